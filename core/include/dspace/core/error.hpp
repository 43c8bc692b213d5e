// The one exception type the core throws: a user-facing message, a hint, an exit code.
//
// Following DuckDB, core functions come in pairs: TryX returns a Result/Status,
// X throws dspace::Error. The CLI catches Error at the top and prints
// "error: <message>" and "hint: <hint>"; it never prints a bare what().
#pragma once

#include <dspace/sdk/status.hpp>

#include <stdexcept>
#include <string>

namespace dspace {

//! Exit codes of the dspace program.
enum ExitCode : int { exit_ok = 0, exit_failed = 1, exit_usage = 2 };

//! A failure to report to the user: what failed and why, and what to do next.
class Error : public std::runtime_error {
public:
    //! message: what failed and why; hint: what to do next (may be empty).
    explicit Error(const std::string &message, std::string hint = {}, int exit_code = exit_failed)
        : std::runtime_error(message), hint_(std::move(hint)), exit_code_(exit_code) {}
    //! Builds an Error from a failed sdk::Status.
    explicit Error(const sdk::Status &status) : Error(status.message(), status.hint()) {}
    //! What the user can do next.
    const std::string &hint() const { return hint_; }
    //! The exit code the program should end with.
    int exit_code() const { return exit_code_; }

private:
    std::string hint_;
    int exit_code_;
};

//! A bad command line: exit code 2.
class UsageError : public Error {
public:
    explicit UsageError(const std::string &message, std::string hint = {})
        : Error(message, std::move(hint), exit_usage) {}
};

//! Throws Error when status is a failure.
inline void throw_if_failed(const sdk::Status &status) {
    if (!status.ok()) throw Error(status);
}

//! Returns the value of result, or throws its Error.
template <typename T>
T value_or_throw(sdk::Result<T> result) {
    if (!result.ok()) throw Error(result.status());
    return std::move(result.value());
}

} // namespace dspace
