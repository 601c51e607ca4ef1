//! Reading threads whose stretches are taken back in file order: the CSV
//! reader (`csv_read`) and the JSON reader (`json::entries`) each parse a
//! file in stretches on several threads, and the ledger is built from the
//! stretches one after another, as one reader would have read them.

use std::collections::BTreeMap;
use std::sync::mpsc::SyncSender;
use std::sync::{Mutex, MutexGuard};

use super::index::join;

/// What the taker of a stretch wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// The stretch that follows.
    More,
    /// Nothing more: the stretches still to come are dropped.
    Stop,
}

/// Runs `readers` threads of `work`, each sending the stretches it reads
/// (`Ok`, numbered by `seq` from 0 in file order) or a failure (`Err`), and
/// hands the stretches to `take` in file order, the failures to `failed`
/// as they arrive. After `take` says [`Next::Stop`], the stretches still
/// arriving are dropped, never taken; the threads are waited for either
/// way, and a thread's panic goes on here.
pub(super) fn in_file_order<T: Send, E: Send>(
    readers: usize,
    work: impl Fn(&SyncSender<Result<T, E>>) + Sync,
    seq: impl Fn(&T) -> usize,
    mut take: impl FnMut(T) -> Next,
    mut failed: impl FnMut(E),
) {
    std::thread::scope(|scope| {
        // Two stretches a reader may wait to be taken: enough to keep the
        // readers busy, few enough to bound what is held.
        let (send, receive) = std::sync::mpsc::sync_channel::<Result<T, E>>(2 * readers);
        let work = &work;
        let handles: Vec<_> = (0..readers)
            .map(|_| {
                let send = send.clone();
                scope.spawn(move || work(&send))
            })
            .collect();
        drop(send);
        let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
        let mut next = 0;
        let mut stopped = false;
        for message in receive {
            match message {
                // Received to the end, so that no reader waits on a full
                // channel.
                Ok(_) if stopped => {}
                Ok(stretch) => {
                    waiting.insert(seq(&stretch), stretch);
                    while let Some(stretch) = waiting.remove(&next) {
                        next += 1;
                        if take(stretch) == Next::Stop {
                            stopped = true;
                            waiting.clear();
                            break;
                        }
                    }
                }
                Err(failure) => failed(failure),
            }
        }
        handles.into_iter().for_each(join);
    });
}

/// The reading threads' shared state: a thread that panicked holding it
/// stops the read anyway (its panic goes on), so a poisoned lock is taken.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Readers taking numbers 0..n in any order, as reading threads take
    /// stretches.
    fn numbers(readers: usize, n: usize, stop_at: Option<usize>) -> (Vec<usize>, Vec<String>) {
        let next = AtomicUsize::new(0);
        let mut taken = Vec::new();
        let mut failures = Vec::new();
        in_file_order(
            readers,
            |send: &SyncSender<Result<usize, String>>| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= n {
                        return;
                    }
                    // Some stretches take longer than others.
                    if k % 7 == 0 {
                        std::thread::yield_now();
                    }
                    let message = if k == 13 {
                        Err(format!("failure at {k}"))
                    } else {
                        Ok(k)
                    };
                    if send.send(message).is_err() {
                        return;
                    }
                }
            },
            |k| if *k > 13 { *k - 1 } else { *k },
            |k| {
                taken.push(k);
                if Some(k) == stop_at {
                    Next::Stop
                } else {
                    Next::More
                }
            },
            |failure| failures.push(failure),
        );
        (taken, failures)
    }

    #[test]
    fn stretches_are_taken_in_file_order_whatever_the_threads_do() {
        for readers in [1, 2, 4] {
            let (taken, failures) = numbers(readers, 500, None);
            let expected: Vec<usize> = (0..500).filter(|&k| k != 13).collect();
            assert_eq!(taken, expected, "{readers} readers");
            assert_eq!(failures, ["failure at 13"]);
        }
    }

    #[test]
    fn nothing_is_taken_after_a_stop() {
        for readers in [1, 2, 4] {
            let (taken, _) = numbers(readers, 500, Some(40));
            let expected: Vec<usize> = (0..=40).filter(|&k| k != 13).collect();
            assert_eq!(taken, expected, "{readers} readers");
        }
    }
}
