// An sdk::Host that passes every call on to another host: the base of a host that changes one service.
#pragma once

#include <dspace/sdk/host.hpp>

#include <string>
#include <string_view>

namespace dspace {

//! Forwards every sdk::Host call to the host it wraps; a subclass overrides the services it changes.
class ForwardingHost : public sdk::Host {
public:
    //! host must outlive this object.
    explicit ForwardingHost(sdk::Host &host) : host_(host) {}
    sdk::Logger &logger() override { return host_.logger(); }
    sdk::ProcessRunner &processes() override { return host_.processes(); }
    sdk::Progress &progress() override { return host_.progress(); }
    const sdk::ConfigView &config() const override { return host_.config(); }
    std::string home_dir() const override { return host_.home_dir(); }
    std::string cache_dir(std::string_view plugin) override { return host_.cache_dir(plugin); }
    bool running_as_root() const override { return host_.running_as_root(); }
    sdk::Status write_private_file(std::string_view path, std::string_view content, unsigned mode,
                                   std::string_view os_user) override {
        return host_.write_private_file(path, content, mode, os_user);
    }

protected:
    sdk::Host &host_; //!< the host every call not overridden goes to
};

} // namespace dspace
