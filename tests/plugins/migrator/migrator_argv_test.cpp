// No password on any argv: the JDBC migrators hand the URL (which holds the password), the user and the password
// to their tool through its environment. Checked on the Command each plugin builds, through a Host whose process
// runner records commands instead of running them.
#include "migrator_fixture.hpp"

#include <dspace/core/forwarding_host.hpp>

#include <fstream>

using dspace_test::LoadedMigrator;
namespace sdk = dspace::sdk;

namespace {

//! Records every command and answers as if the tool succeeded with no output; every program is "found".
class RecordingRunner final : public sdk::ProcessRunner {
public:
    std::vector<sdk::Command> commands; //!< what the plugin asked to run
    sdk::Result<sdk::ProcessResult> run(const sdk::Command &command) override {
        commands.push_back(command);
        sdk::ProcessResult result;
        result.exit_code = 0;
        return result;
    }
    std::string find_program(std::string_view name, const std::vector<std::string> &) override { return "/opt/tools/" + std::string(name); }
};

//! The test's HostServices with the recording runner in place of the real one.
class RecordingHost final : public dspace::ForwardingHost {
public:
    using ForwardingHost::ForwardingHost;
    RecordingRunner runner; //!< the commands run through this host
    sdk::ProcessRunner &processes() override { return runner; }
};

//! The value of variable name in command's environment; empty when it is not set.
std::string env_of(const sdk::Command &command, const std::string &name) {
    for (const auto &[key, value] : command.env)
        if (key == name) return value;
    return {};
}

} // namespace

TEST_CASE("liquibase and flyway never put the password on the command line", "[plugins][migrator][secrets]") {
    const std::string password = "s3cretPw9";
    const std::string url = "jdbc:postgresql://127.0.0.1:5999/db?user=dspace&password=" + password;
    struct Expectation {
        const char *tool, *url_var, *user_var, *password_var;
    };
    for (auto expected : {Expectation{"liquibase", "LIQUIBASE_COMMAND_URL", "LIQUIBASE_COMMAND_USERNAME", "LIQUIBASE_COMMAND_PASSWORD"},
                          Expectation{"flyway", "FLYWAY_URL", "FLYWAY_USER", "FLYWAY_PASSWORD"}}) {
        INFO(expected.tool);
        LoadedMigrator loaded(expected.tool);
        RecordingHost host(loaded.host);
        std::ofstream(loaded.dir.path() / "changelog.sql") << "--liquibase formatted sql\n";
        auto request = dspace_test::request_with({{"JDBC_URL", url}, {"JDBC_USER", "dspace"}, {"JDBC_PASSWORD", password}},
                                                 loaded.dir.path().string());
        // The recording runner runs nothing, so the outcome is not checked: only what would have been run.
        (void)loaded.migrator->migrate(host, request);
        (void)loaded.migrator->current_head(host, request);
        if (host.runner.commands.empty() && std::string(expected.tool) == "flyway") {
            WARN("flyway: no CLI installed and no space's flavour in this request, so the built-in engine ran nothing; "
                 "tests/integration/migrate_test.cpp runs it against real spaces");
            continue;
        }
        REQUIRE_FALSE(host.runner.commands.empty());
        for (const auto &command : host.runner.commands) {
            for (const auto &arg : command.argv) CHECK(arg.find(password) == std::string::npos);
            if (env_of(command, expected.url_var).empty()) continue; // e.g. flyway's built-in engine runs psql instead
            CHECK(env_of(command, expected.url_var) == url.substr(0, url.find('?'))); // the URL without its credentials
            CHECK(env_of(command, expected.user_var) == "dspace");
            CHECK(env_of(command, expected.password_var) == password);
        }
    }
}
