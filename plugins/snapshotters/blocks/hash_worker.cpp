// HashWorker: one job at a time, handed over and waited for under one mutex.
#include "hash_worker.hpp"

namespace dspace::blocks {

HashWorker::HashWorker() {
    if (std::thread::hardware_concurrency() > 1) thread_ = std::thread([this] { run_jobs(); });
}

HashWorker::~HashWorker() {
    wait_quietly();
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void HashWorker::start(std::function<void()> job) {
    if (!thread_.joinable()) {
        try {
            job();
        } catch (...) {
            failure_ = std::current_exception();
        }
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = std::move(job);
        busy_ = true;
    }
    changed_.notify_all();
}

void HashWorker::wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !busy_; });
    if (auto failure = std::exchange(failure_, nullptr)) std::rethrow_exception(failure);
}

void HashWorker::wait_quietly() noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !busy_; });
    failure_ = nullptr;
}

void HashWorker::run_jobs() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return busy_ || stopping_; });
        if (stopping_) return;
        auto job = std::move(job_);
        lock.unlock();
        std::exception_ptr failure;
        try {
            job();
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        failure_ = failure;
        busy_ = false;
        changed_.notify_all();
    }
}

} // namespace dspace::blocks
