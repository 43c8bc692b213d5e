#include "guarded.hpp"

#include <dspace/sdk/flavour_capabilities.hpp>
#include <dspace/sdk/migrator_capabilities.hpp>
#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <spdlog/spdlog.h>

namespace dspace::plugin_guard {

std::string report_escaped_exception(const PluginIdentity &plugin, const char *method, const std::exception_ptr &escaped) {
    std::string what = "an exception that is not a std::exception";
    try {
        std::rethrow_exception(escaped);
    } catch (const std::exception &e) {
        what = e.what();
    } catch (...) {
    }
    // The log file only (info is below the terminal's level): the caller reports the same text once.
    spdlog::info("plugin {}/{} {} ({}) failed in {}: {}", plugin.kind, plugin.name,
                  plugin.version.empty() ? "(no version)" : plugin.version, plugin.file, method, what);
    return "plugin " + plugin.kind + "/" + plugin.name + " (" + plugin.file + ") failed in " + method + ": " + what;
}

std::string escaped_exception_hint(const PluginIdentity &plugin) {
    return "this is a bug in the plugin " + plugin.name + "; report it to its author with the entry in $DSPACE_HOME/logs/dspace.log (it names the plugin's version)";
}

namespace {

//! Base of every decorator: the plugin's identity and the guarded call.
class Guard {
public:
    explicit Guard(PluginIdentity plugin) : plugin_(std::move(plugin)) {}

protected:
    template <typename Call>
    auto call(const char *method, Call &&fn) const -> decltype(fn()) {
        return guarded_call(plugin_, method, std::forward<Call>(fn));
    }

private:
    PluginIdentity plugin_;
};

class GuardedFlavour final : public sdk::Flavour, Guard {
public:
    GuardedFlavour(std::unique_ptr<sdk::Flavour> inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(std::move(inner)) {}
    std::string name() const override { return call("name", [&] { return inner_->name(); }); }
    std::string description() const override { return call("description", [&] { return inner_->description(); }); }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return call("probe", [&] { return inner_->probe(host); }); }
    std::vector<std::string> installed_versions(sdk::Host &host) override {
        return call("installed_versions", [&] { return inner_->installed_versions(host); });
    }
    std::string default_server_user() const override {
        return call("default_server_user", [&] { return inner_->default_server_user(); });
    }
    sdk::Status init_cluster(sdk::Host &host, const sdk::Server &server) override {
        return call("init_cluster", [&] { return inner_->init_cluster(host, server); });
    }
    sdk::Status configure(sdk::Host &host, const sdk::Server &server) override {
        return call("configure", [&] { return inner_->configure(host, server); });
    }
    sdk::Command server_command(const sdk::Server &server) const override {
        return call("server_command", [&] { return inner_->server_command(server); });
    }
    bool is_ready(sdk::Host &host, const sdk::Server &server) override {
        return call("is_ready", [&] { return inner_->is_ready(host, server); });
    }
    sdk::Status create_credentials(sdk::Host &host, const sdk::Server &server) override {
        return call("create_credentials", [&] { return inner_->create_credentials(host, server); });
    }
    int stop_signal(bool immediate) const override { return call("stop_signal", [&] { return inner_->stop_signal(immediate); }); }
    sdk::Command client_command(const sdk::Server &server, const std::vector<std::string> &args) const override {
        return call("client_command", [&] { return inner_->client_command(server, args); });
    }
    sdk::Environment environment(const sdk::Server &server) const override {
        return call("environment", [&] { return inner_->environment(server); });
    }
    sdk::Result<std::vector<std::string>> list_databases(sdk::Host &host, const sdk::Server &server) override {
        return call("list_databases", [&] { return inner_->list_databases(host, server); });
    }
    sdk::Command dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const override {
        return call("dump_command", [&] { return inner_->dump_command(server, database, out_file); });
    }
    sdk::Command restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const override {
        return call("restore_command", [&] { return inner_->restore_command(server, database, in_file); });
    }
    sdk::Status check_online_snapshot(sdk::Host &host, const sdk::Server &server) override {
        return call("check_online_snapshot", [&] { return inner_->check_online_snapshot(host, server); });
    }

private:
    std::unique_ptr<sdk::Flavour> inner_;
};

class GuardedMigrator final : public sdk::Migrator, Guard {
public:
    GuardedMigrator(std::unique_ptr<sdk::Migrator> inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(std::move(inner)) {}
    std::string name() const override { return call("name", [&] { return inner_->name(); }); }
    std::string description() const override { return call("description", [&] { return inner_->description(); }); }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return call("probe", [&] { return inner_->probe(host); }); }
    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return call("migrate", [&] { return inner_->migrate(host, request); });
    }
    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return call("current_head", [&] { return inner_->current_head(host, request); });
    }

private:
    std::unique_ptr<sdk::Migrator> inner_;
};

class GuardedSnapshotter final : public sdk::Snapshotter, Guard {
public:
    GuardedSnapshotter(std::unique_ptr<sdk::Snapshotter> inner, PluginIdentity plugin)
        : Guard(std::move(plugin)), inner_(std::move(inner)) {}
    std::string name() const override { return call("name", [&] { return inner_->name(); }); }
    std::string description() const override { return call("description", [&] { return inner_->description(); }); }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return call("probe", [&] { return inner_->probe(host); }); }
    sdk::SnapshotMethod method() const override { return call("method", [&] { return inner_->method(); }); }
    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        return call("snapshot", [&] { return inner_->snapshot(host, job); });
    }
    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        return call("restore", [&] { return inner_->restore(host, job); });
    }

private:
    std::unique_ptr<sdk::Snapshotter> inner_;
};

class GuardedLogicalDump final : public sdk::LogicalDump, Guard {
public:
    GuardedLogicalDump(sdk::LogicalDump &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Result<std::vector<std::string>> list_databases(sdk::Host &host, const sdk::Server &server) override {
        return call("LogicalDump::list_databases", [&] { return inner_.list_databases(host, server); });
    }
    sdk::Command dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const override {
        return call("LogicalDump::dump_command", [&] { return inner_.dump_command(server, database, out_file); });
    }
    sdk::Command restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const override {
        return call("LogicalDump::restore_command", [&] { return inner_.restore_command(server, database, in_file); });
    }

private:
    sdk::LogicalDump &inner_;
};

class GuardedQuiesce final : public sdk::Quiesce, Guard {
public:
    GuardedQuiesce(sdk::Quiesce &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status flush(sdk::Host &host, const sdk::Server &server) override {
        return call("Quiesce::flush", [&] { return inner_.flush(host, server); });
    }

private:
    sdk::Quiesce &inner_;
};

class GuardedStopCommand final : public sdk::StopCommand, Guard {
public:
    GuardedStopCommand(sdk::StopCommand &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Command stop_command(const sdk::Server &server) const override {
        return call("StopCommand::stop_command", [&] { return inner_.stop_command(server); });
    }

private:
    sdk::StopCommand &inner_;
};

class GuardedDisplayUrl final : public sdk::DisplayUrl, Guard {
public:
    GuardedDisplayUrl(sdk::DisplayUrl &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    std::string display_url(const sdk::Server &server) const override {
        return call("DisplayUrl::display_url", [&] { return inner_.display_url(server); });
    }

private:
    sdk::DisplayUrl &inner_;
};

class GuardedPageLayout final : public sdk::PageLayout, Guard {
public:
    GuardedPageLayout(sdk::PageLayout &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    std::uint32_t page_size(const sdk::Server &server) const override {
        return call("PageLayout::page_size", [&] { return inner_.page_size(server); });
    }

private:
    sdk::PageLayout &inner_;
};

class GuardedRekey final : public sdk::Rekey, Guard {
public:
    GuardedRekey(sdk::Rekey &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status rekey(sdk::Host &host, const sdk::Server &target, const sdk::Server &source) override {
        return call("Rekey::rekey", [&] { return inner_.rekey(host, target, source); });
    }

private:
    sdk::Rekey &inner_;
};

class GuardedMigrationPlan final : public sdk::MigrationPlan, Guard {
public:
    GuardedMigrationPlan(sdk::MigrationPlan &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status validate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return call("MigrationPlan::validate", [&] { return inner_.validate(host, request); });
    }
    sdk::Result<sdk::MigrationStatus> status(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return call("MigrationPlan::status", [&] { return inner_.status(host, request); });
    }
    sdk::Result<std::string> dry_run(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return call("MigrationPlan::dry_run", [&] { return inner_.dry_run(host, request); });
    }

private:
    sdk::MigrationPlan &inner_;
};

class GuardedInPlaceRestore final : public sdk::InPlaceRestore, Guard {
public:
    GuardedInPlaceRestore(sdk::InPlaceRestore &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status verify_restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        return call("InPlaceRestore::verify_restore", [&] { return inner_.verify_restore(host, job); });
    }
    sdk::Status restore_in_place(sdk::Host &host, const sdk::RestoreJob &job) override {
        return call("InPlaceRestore::restore_in_place", [&] { return inner_.restore_in_place(host, job); });
    }

private:
    sdk::InPlaceRestore &inner_;
};

class GuardedSharedStore final : public sdk::SharedStore, Guard {
public:
    GuardedSharedStore(sdk::SharedStore &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status verify_payload(sdk::Host &host, std::string_view payload_dir) override {
        return call("SharedStore::verify_payload", [&] { return inner_.verify_payload(host, payload_dir); });
    }
    sdk::Result<std::uint64_t> collect_garbage(sdk::Host &host, const std::vector<std::string> &live_payload_dirs) override {
        return call("SharedStore::collect_garbage", [&] { return inner_.collect_garbage(host, live_payload_dirs); });
    }
    sdk::Result<sdk::StoreUsage> usage(sdk::Host &host, std::string_view payload_dir,
                                       const std::vector<std::string> &live_payload_dirs) override {
        return call("SharedStore::usage", [&] { return inner_.usage(host, payload_dir, live_payload_dirs); });
    }

private:
    sdk::SharedStore &inner_;
};

class GuardedBlockTransfer final : public sdk::BlockTransfer, Guard {
public:
    GuardedBlockTransfer(sdk::BlockTransfer &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Result<std::vector<sdk::BlockRef>> payload_blocks(sdk::Host &host, std::string_view payload_dir) override {
        return call("BlockTransfer::payload_blocks", [&] { return inner_.payload_blocks(host, payload_dir); });
    }
    sdk::Result<std::vector<sdk::BlockRef>> missing_blocks(sdk::Host &host, const std::vector<sdk::BlockRef> &wanted) override {
        return call("BlockTransfer::missing_blocks", [&] { return inner_.missing_blocks(host, wanted); });
    }
    sdk::Status read_blocks(sdk::Host &host, const std::vector<sdk::BlockRef> &blocks, const sdk::BlockSink &sink) override {
        return call("BlockTransfer::read_blocks", [&] { return inner_.read_blocks(host, blocks, sink); });
    }
    sdk::Status add_blocks(sdk::Host &host, const sdk::BlockSource &next) override {
        return call("BlockTransfer::add_blocks", [&] { return inner_.add_blocks(host, next); });
    }

private:
    sdk::BlockTransfer &inner_;
};

class GuardedWarmSpare final : public sdk::WarmSpare, Guard {
public:
    GuardedWarmSpare(sdk::WarmSpare &inner, PluginIdentity plugin) : Guard(std::move(plugin)), inner_(inner) {}
    sdk::Status refresh_spare(sdk::Host &host, const sdk::RestoreJob &job) override {
        return call("WarmSpare::refresh_spare", [&] { return inner_.refresh_spare(host, job); });
    }

private:
    sdk::WarmSpare &inner_;
};

//! Wraps iface (a Cap*) in Decorator.
template <typename Cap, typename Decorator>
GuardedCapability wrap(void *iface, const PluginIdentity &plugin) {
    auto decorator = std::make_shared<Decorator>(*static_cast<Cap *>(iface), plugin);
    Cap *as_cap = decorator.get();
    return {std::move(decorator), as_cap};
}

} // namespace

std::unique_ptr<sdk::Flavour> guard_flavour(std::unique_ptr<sdk::Flavour> flavour, const PluginIdentity &plugin) {
    return std::make_unique<GuardedFlavour>(std::move(flavour), plugin);
}

std::unique_ptr<sdk::Migrator> guard_migrator(std::unique_ptr<sdk::Migrator> migrator, const PluginIdentity &plugin) {
    return std::make_unique<GuardedMigrator>(std::move(migrator), plugin);
}

std::unique_ptr<sdk::Snapshotter> guard_snapshotter(std::unique_ptr<sdk::Snapshotter> snapshotter, const PluginIdentity &plugin) {
    return std::make_unique<GuardedSnapshotter>(std::move(snapshotter), plugin);
}

GuardedCapability guard_capability(sdk::CapabilityId id, void *iface, const PluginIdentity &plugin) {
    switch (id) {
    case sdk::CapabilityId::logical_dump: return wrap<sdk::LogicalDump, GuardedLogicalDump>(iface, plugin);
    case sdk::CapabilityId::quiesce: return wrap<sdk::Quiesce, GuardedQuiesce>(iface, plugin);
    case sdk::CapabilityId::stop_command: return wrap<sdk::StopCommand, GuardedStopCommand>(iface, plugin);
    case sdk::CapabilityId::display_url: return wrap<sdk::DisplayUrl, GuardedDisplayUrl>(iface, plugin);
    case sdk::CapabilityId::page_layout: return wrap<sdk::PageLayout, GuardedPageLayout>(iface, plugin);
    case sdk::CapabilityId::rekey: return wrap<sdk::Rekey, GuardedRekey>(iface, plugin);
    case sdk::CapabilityId::migration_plan: return wrap<sdk::MigrationPlan, GuardedMigrationPlan>(iface, plugin);
    case sdk::CapabilityId::in_place_restore: return wrap<sdk::InPlaceRestore, GuardedInPlaceRestore>(iface, plugin);
    case sdk::CapabilityId::shared_store: return wrap<sdk::SharedStore, GuardedSharedStore>(iface, plugin);
    case sdk::CapabilityId::block_transfer: return wrap<sdk::BlockTransfer, GuardedBlockTransfer>(iface, plugin);
    case sdk::CapabilityId::warm_spare: return wrap<sdk::WarmSpare, GuardedWarmSpare>(iface, plugin);
    }
    return {};
}

} // namespace dspace::plugin_guard
