// dspace plugin SDK: Status and Result<T>.
//
// Exceptions never cross the plugin boundary: every interface method that can
// fail returns a Status or a Result<T>. A failure carries a message written for
// the user (what failed, why) and, optionally, a hint (what to do next).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace dspace::sdk {

//! Success, or a failure with a user-facing message and an optional hint.
class [[nodiscard]] Status {
public:
    //! A successful status.
    Status() = default;
    //! A failure: message says what failed and why, hint what to do next.
    static Status failure(std::string message, std::string hint = {}) {
        Status s;
        s.ok_ = false;
        s.message_ = std::move(message);
        s.hint_ = std::move(hint);
        return s;
    }
    //! True on success.
    bool ok() const { return ok_; }
    //! The failure message (empty on success).
    const std::string &message() const { return message_; }
    //! What the user can do next (may be empty).
    const std::string &hint() const { return hint_; }
    explicit operator bool() const { return ok_; }

private:
    bool ok_ = true;
    std::string message_;
    std::string hint_;
};

//! A value, or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
public:
    //! A successful result holding value.
    Result(T value) : value_(std::move(value)) {}
    //! A failed result. A successful status carries no value, so it becomes a failure that says so.
    Result(Status status) : status_(std::move(status)) {
        if (status_.ok()) status_ = Status::failure("internal error: a Result was built from a successful Status");
    }
    //! True when a value is held.
    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    //! The status: ok when a value is held.
    const Status &status() const { return status_; }
    //! The value; only valid when ok().
    T &value() { return *value_; }
    const T &value() const { return *value_; }
    T *operator->() { return &*value_; }
    const T *operator->() const { return &*value_; }
    T &operator*() { return *value_; }
    const T &operator*() const { return *value_; }

private:
    std::optional<T> value_;
    Status status_;
};

} // namespace dspace::sdk
