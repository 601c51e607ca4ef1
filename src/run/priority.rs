//! Lowering the scheduling priority of the thread that calls: the threads
//! rendering a run's letters ahead yield the cores to the batches writing
//! them (see `run::renderers`).

/// How much lower than the run's other threads: enough for the scheduler
/// to give the batches' threads most of a core they share with a renderer
/// (each step of `nice` is about 1.25 times less CPU).
#[cfg(target_os = "linux")]
const LOWER_BY: i32 = 5;

/// Lowers this thread's priority (its `nice` value, which Linux keeps per
/// thread). Best effort: a thread left at its priority only renders at the
/// batches' pace, as before.
pub(crate) fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        let this = rustix::thread::gettid();
        if let Ok(now) = rustix::process::getpriority_process(Some(this)) {
            let _ = rustix::process::setpriority_process(Some(this), now.saturating_add(LOWER_BY));
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn only_the_calling_thread_is_lowered() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let lowered = std::thread::spawn(|| {
            super::lower_this_thread();
            rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, (before + super::LOWER_BY).min(19));
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), before);
    }
}
