// SIGINT, SIGTERM and SIGHUP, handled by one watcher thread instead of an asynchronous handler: the
// signals are blocked in every thread (call block_interrupts() first in main, before any thread
// starts) and the watcher, on a signal, runs the registered action (mark the report
// incomplete: it waits for a write in progress to finish, so no file is left half-written or
// as a temporary), stops the report renderer, and exits with 128 + the signal (130, 143, 129).
// SIGPIPE is ignored: a closed stdout pipe makes writes fail, not the run die.
#pragma once

#include <sys/types.h>

#include <functional>

namespace orbitmc {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (inherited by threads it starts) and
// starts the watcher. Call once, at the start of main.
void block_interrupts();

// The action run on a signal, with the signal number; an empty function clears it. Runs on
// the watcher thread, so it must lock what it shares with the main thread.
void set_interrupt_action(std::function<void(int)> action);

// A child process to stop (SIGTERM) on an interrupt; 0 for none.
void set_interrupt_child(pid_t pid);

// Never returns once a signal has arrived: the watcher is ending the process with 128 + the
// signal. Called before main returns, so that work finishing while the watcher stops the
// renderer (its child died of the same SIGINT) cannot end the process with 0 or 1 first.
void wait_if_interrupted();

// Whether the signal being handled was sent by the parent process (under mpirun, the launcher).
bool interrupt_sent_by_parent();

// The name of an interrupt signal ("SIGINT", "SIGTERM", "SIGHUP").
const char* interrupt_name(int sig);

}  // namespace orbitmc
