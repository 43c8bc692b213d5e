// `dspace create NAME --from PATH`: a space adopting a data directory made elsewhere, a tar of one, or a dump.
#include "../formats/data_dirs.hpp"
#include "../formats/data_label.hpp"
#include "../formats/data_tar.hpp"
#include "../space/internal.hpp"

#include <dspace/core/adopt.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/import.hpp>
#include <dspace/core/interrupt.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/storage.hpp>

namespace dspace {

namespace {

//! A data directory or tar about to be adopted: what it holds, read before anything is created.
struct PhysicalSource {
    std::filesystem::path path; //!< the directory or tar
    DataFormat format;          //!< pgdata or tar
    DataDirKind kind;           //!< its flavour's kind
    DataTop top;                //!< its top level
    std::uint64_t bytes = 0;    //!< what is copied, for progress
};

PhysicalSource inspect(const std::filesystem::path &path, DataFormat format) {
    PhysicalSource source{path, format, {}, {}, 0};
    std::error_code ec;
    if (format == DataFormat::pgdata) {
        if (!std::filesystem::is_directory(path, ec))
            throw Error(path.string() + " is not a directory", "--format pgdata takes a data directory; a tar takes --format tar");
        source.top = read_data_top(path);
        source.bytes = tree_stats(path).bytes;
    } else {
        if (!std::filesystem::is_regular_file(path, ec)) throw Error(path.string() + " is not a file", "--format tar takes a tar file");
        source.top = read_tar_top(path);
        source.bytes = std::filesystem::file_size(path, ec);
    }
    auto kind = data_dir_kind(source.top);
    if (!kind)
        throw Error(path.string() + " holds neither a PostgreSQL data directory (no PG_VERSION) nor a MariaDB datadir (no mysql/ directory)",
                    "give the directory the server was started on (or a tar of it), or a dump with --format dump");
    source.kind = *kind;
    if (format == DataFormat::pgdata)
        if (pid_t pid = running_server(source.kind, path))
            throw Error("a " + source.kind.engine + " server (pid " + std::to_string(pid) + ") is running on " + path.string(),
                        "stop it first (e.g. `pg_ctl stop -D " + path.string() + "`), then run the command again");
    return source;
}

//! The installed server version for the source's data (requested: --version, which must agree); throws Error naming
//! both versions when none matches.
std::string installed_version_for(HostServices &host, SpaceManager &spaces, PluginHost &plugins, const PhysicalSource &source,
                                  const std::string &requested) {
    sdk::Flavour &flavour = plugins.flavour(source.kind.flavour);
    std::string wanted = data_dir_version(source.kind, source.top);
    if (wanted.empty()) return spaces.choose_version(flavour, requested);
    if (!requested.empty() && !version_matches(requested, wanted) && !version_matches(wanted, requested))
        throw UsageError(source.path.string() + " holds " + source.kind.engine + " " + wanted + " data, not version " + requested,
                         "leave out --version: the data decides it");
    std::string installed;
    for (const auto &version : flavour.installed_versions(host)) {
        if (version_matches(version, wanted)) return version;
        installed += (installed.empty() ? "" : ", ") + version;
    }
    throw Error(source.path.string() + " holds " + source.kind.engine + " " + wanted + " data, but the installed " + source.kind.flavour +
                    " server" + (installed.empty() ? "s are none" : " versions are " + installed) + "; nothing was created",
                "install the " + source.kind.engine + " " + wanted + " server, or dump the data with that version's own tool and run "
                "`dspace create NAME --from DUMP`");
}

//! Copies or extracts source into data_dir, owned by owner, without the files a stopped directory must not keep.
void fill_data(HostServices &host, const PhysicalSource &source, const std::filesystem::path &data_dir, Owner owner) {
    sdk::ProgressTask progress(host.progress(), "copying " + source.kind.engine + " data", source.bytes);
    auto advance = [&](std::uint64_t bytes) { progress.advance(bytes); };
    if (source.format == DataFormat::pgdata) {
        copy_tree_owned(source.path, data_dir, owner, advance);
    } else {
        make_owned_dir(data_dir, 0700, owner);
        extract_data_tar(source.path, data_dir, owner.uid, owner.gid, advance);
    }
    std::filesystem::remove(data_dir / data_label_file);
    for (const auto &name : source.kind.dspace_files) std::filesystem::remove(data_dir / name); // stale pid files, old settings
    fs::chown_tree(data_dir, owner.uid, owner.gid);
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all);
}

//! True when path is $DSPACE_HOME or below it.
bool inside_home(HostServices &host, const std::filesystem::path &path) {
    std::error_code ec;
    auto home = std::filesystem::weakly_canonical(host.paths().home(), ec).string() + "/";
    auto real = std::filesystem::weakly_canonical(path, ec).string() + "/";
    return real.rfind(home, 0) == 0;
}

//! Deletes the source of --move once the space runs. A directory is first renamed beside itself
//! (.<name>.moved-<process_token>), so a kill leaves it whole at its path or gone from it, never half deleted there.
void remove_moved_source(const std::filesystem::path &path) {
    std::filesystem::path doomed = path;
    if (fs::is_real_dir(path)) {
        doomed = path.parent_path() / ("." + path.filename().string() + ".moved-" + process_token());
        fs::rename_durable(path, doomed);
    }
    fs::remove_tree(doomed); // a file goes in one unlink; links are never followed
}

AdoptResult adopt_physical(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const AdoptOptions &options,
                           const PhysicalSource &source) {
    std::string version = installed_version_for(host, spaces, plugins, source, options.create.version);
    auto label = source.top.files.count(data_label_file) ? parse_data_label(source.top.files.at(data_label_file)) : std::nullopt;
    const CreateOptions &create = options.create;
    SpaceState like;
    like.name = create.name;
    like.flavour = source.kind.flavour;
    like.version = version;
    like.os_user = spaces.server_os_user(plugins.flavour(like.flavour));
    like.user = create.user.empty() ? "dspace" : create.user;
    like.password = create.password.empty() ? random_password() : create.password;
    like.database = !create.database.empty() ? create.database
                    : label                  ? label->database
                                             : default_database(source.kind, source.top);
    if (like.database.empty()) like.database = create.name;
    SpaceState owner; // who the data belongs to: the exported space's user, else the engine's superuser
    owner.name = source.path.string();
    owner.flavour = like.flavour;
    owner.version = version;
    owner.user = label ? label->user : source.kind.superuser;
    owner.database = like.database;

    InterruptScope interrupts;
    SpaceState created;
    try {
        created = spaces.create_from(create, like, [&](const std::filesystem::path &data_dir) {
            fill_data(host, source, data_dir, owner_of(like.os_user));
            check_interrupted();
            spaces.rekey_data(like, data_dir, owner);
        });
    } catch (...) {
        if (take_interrupt())
            throw Error("creating space '" + create.name + "' from " + source.path.string() + " was interrupted: nothing was created and " +
                            source.path.string() + " is untouched",
                        "run the command again");
        throw;
    }
    if (options.move) remove_moved_source(source.path);
    return {created, source.format};
}

//! The object an s3:// URL names (a tar or a dump), downloaded into $DSPACE_HOME/cache/downloads as
//! .from-<process_token>-<key> for the time of an adoption and removed afterwards; the next download removes what
//! killed ones left (their process has died), finished or not (S3Storage downloads to .<name>.part first).
class DownloadedObject {
public:
    DownloadedObject(HostServices &host, const std::string &url) {
        ObjectUrl object = split_object_url(url, "--from");
        auto dir = host.paths().cache_dir() / "downloads";
        fs::make_private_dir(dir);
        std::error_code ec;
        for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
            std::string file = entry.path().filename().string();
            std::string_view name = file.rfind("..", 0) == 0 ? std::string_view(file).substr(1) : file; // ..NAME.part: unfinished
            if (name.rfind(prefix, 0) == 0 && token_process_gone(name.substr(prefix.size()))) fs::remove_tree(entry.path());
        }
        path_ = dir / (std::string(prefix) + process_token() + "-" + object.key);
        try {
            open_storage(object.storage_url)->get_file(object.key, path_);
        } catch (...) {
            remove();
            throw;
        }
    }
    ~DownloadedObject() { remove(); }
    DownloadedObject(const DownloadedObject &) = delete;
    DownloadedObject &operator=(const DownloadedObject &) = delete;
    //! Where the object was downloaded.
    const std::filesystem::path &path() const { return path_; }

private:
    void remove() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    static constexpr std::string_view prefix = ".from-";
    std::filesystem::path path_;
};

} // namespace

DataFormat detect_data_format(const std::filesystem::path &path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status))
        throw Error("no such file or directory: " + path.string(), "give the path of a data directory, a tar of one, or a dump");
    if (std::filesystem::is_directory(status)) {
        if (data_dir_kind(read_data_top(path))) return DataFormat::pgdata;
        if (std::filesystem::exists(path / "toc.dat", ec)) return DataFormat::dump;
        throw Error(path.string() + " is neither a PostgreSQL data directory (no PG_VERSION), a MariaDB datadir (no mysql/ directory) "
                                    "nor a pg_dump directory archive (no toc.dat)",
                    "give the directory the server was started on, or a dump");
    }
    return looks_like_data_tar(path) ? DataFormat::tar : DataFormat::dump;
}

AdoptResult adopt_space(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                        const AdoptOptions &options) {
    validate_name(options.create.name, "space");
    if (spaces.exists(options.create.name))
        throw Error("space '" + options.create.name + "' already exists", "pick another name, or remove it first with `dspace rm`");
    if (options.from.native().rfind("s3://", 0) == 0) {
        if (options.move) throw UsageError("--move cannot delete an object of a bucket", "leave out --move");
        DownloadedObject object(host, options.from.native());
        AdoptOptions local = options;
        local.from = object.path();
        return adopt_space(host, plugins, spaces, snapshots, local);
    }
    std::filesystem::path path = std::filesystem::absolute(options.from).lexically_normal();
    DataFormat detected = detect_data_format(path);
    DataFormat format = options.format.value_or(detected);
    if (options.move && inside_home(host, path))
        throw UsageError("--move cannot take data from inside $DSPACE_HOME (" + host.paths().home().string() + ")",
                         "leave out --move, or use `dspace copy` for a space's data");
    if (format == DataFormat::dump) {
        if (options.move) throw UsageError("--move works for data directories and tars; a dump is only read", "leave out --move");
        const CreateOptions &create = options.create;
        if (!create.user.empty() || !create.database.empty() || create.port != 0 || !create.settings.empty() || !create.listen_address.empty())
            throw UsageError("--user, --initial-database, --port, --listen and --set cannot be used with a dump",
                             "a space made from a dump is made as `dspace import` makes it; leave them out");
        ImportOptions import;
        import.space = options.create.name;
        import.source = path.string();
        import.flavour = options.create.flavour;
        return {import_space(host, plugins, spaces, snapshots, import).space, format};
    }
    PhysicalSource source = inspect(path, format);
    if (!options.create.flavour.empty() && options.create.flavour != source.kind.flavour)
        throw UsageError(path.string() + " holds " + source.kind.engine + " data, not " + options.create.flavour,
                         "leave out --flavour: the data decides it");
    return adopt_physical(host, plugins, spaces, options, source);
}

} // namespace dspace
