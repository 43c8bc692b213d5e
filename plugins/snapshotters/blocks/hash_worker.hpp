// A second thread for the block engine: it hashes the chunk of a file read last while the engine reads the next
// one and stores the one before, so SHA-256 (a core's worth of work) overlaps the file I/O.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace dspace::blocks {

//! Runs one job at a time on its own thread. On a machine with one CPU, jobs run inside start() instead.
class HashWorker {
public:
    //! Starts the thread (none with one CPU).
    HashWorker();
    //! Waits for the running job, then ends the thread.
    ~HashWorker();
    HashWorker(const HashWorker &) = delete;
    HashWorker &operator=(const HashWorker &) = delete;
    //! Hands job over; the previous one must have been waited for.
    void start(std::function<void()> job);
    //! Returns when the job handed over last has run; rethrows what it threw. Without a job, returns at once.
    void wait();
    //! Like wait, but drops what the job threw: for a caller that is already unwinding from its own error.
    void wait_quietly() noexcept;

private:
    void run_jobs();
    std::mutex mutex_;
    std::condition_variable changed_;
    std::function<void()> job_;
    bool busy_ = false;
    bool stopping_ = false;
    std::exception_ptr failure_;
    std::thread thread_;
};

} // namespace dspace::blocks
