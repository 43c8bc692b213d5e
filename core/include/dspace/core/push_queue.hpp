// Pushes run in the background (`dspace push --background`, `dspace snapshot NAME SNAP --push`): each one is a
// record $DSPACE_HOME/transfer/pushes/<id>.json (written atomically) and a detached worker process that runs it,
// its output in <id>.log beside the record.
#pragma once

#include <dspace/core/remotes.hpp>
#include <dspace/core/transfer.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dspace {

//! One background push as its record holds it.
struct PushRecord {
    std::string id;                 //!< <space>.<snap>.<16 hex digits of the remote URL's SHA-256>
    std::string space, snap;        //!< the snapshot
    Remote remote;                  //!< where it goes
    std::string state = "queued";   //!< queued, running, done or failed
    std::string error, hint;        //!< why it failed, and what to do
    std::uint64_t bytes_sent = 0;   //!< bytes of blocks sent so far
    std::uint64_t bytes_left = 0;   //!< bytes of blocks still to send (known once running)
    std::int64_t updated = 0;       //!< when the record was last written (seconds since the epoch)
    long pid = 0;                   //!< the worker's pid (0 before it started)
    unsigned long long pid_start = 0; //!< the worker's kernel start time, telling a reused pid apart
};

//! The background pushes of one home.
class PushQueue {
public:
    //! Keeps its records under home/transfer/pushes (created when missing).
    explicit PushQueue(const std::filesystem::path &home);
    //! Records a queued push of space/snap to remote and starts worker (argv without the id, which is appended)
    //! detached; throws Error when the same push is already queued or running.
    PushRecord start(const std::string &space, const std::string &snap, const Remote &remote, std::vector<std::string> worker);
    //! The worker's part: runs push id through transfer, keeping its record up to date; false when it failed.
    bool run(const std::string &id, TransferService &transfer);
    //! Every readable record (a damaged one is skipped with a warning), oldest first; a queued or running push
    //! whose worker is gone is recorded failed first, and done pushes older than a day are forgotten.
    std::vector<PushRecord> list();

private:
    PushRecord read(const std::string &id) const;
    void write(PushRecord &record) const;
    bool worker_alive(const PushRecord &record) const;
    std::filesystem::path dir_;
};

} // namespace dspace
