//! wiel's change (see PATCHES.md): a `Delay` made on a thread that runs a tokio runtime is
//! a `tokio::time::Sleep` on that runtime's timer wheel; elsewhere it is the crate's own,
//! run by its one helper thread.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A future representing the notification that an elapsed duration has
/// occurred.
///
/// This is created through the `Delay::new` method indicating when the future should fire.
/// Note that these futures are not intended for high resolution timers, but rather they will
/// likely fire some granularity after the exact instant that they're otherwise indicated to fire
/// at.
pub struct Delay(Inner);

enum Inner {
    /// On the wheel of the tokio runtime the delay was made on: no other thread to wake.
    Tokio(Pin<Box<tokio::time::Sleep>>),
    /// Made outside any tokio runtime: the crate's helper thread fires it.
    Thread(crate::native::Delay),
}

impl Delay {
    /// Creates a new future which will fire at `dur` time into the future.
    #[inline]
    pub fn new(dur: Duration) -> Delay {
        match tokio::runtime::Handle::try_current() {
            Ok(_) => Delay(Inner::Tokio(Box::pin(tokio::time::sleep(dur)))),
            Err(_) => Delay(Inner::Thread(crate::native::Delay::new(dur))),
        }
    }

    /// Resets this timeout to an new timeout which will fire at the time
    /// specified by `dur`.
    #[inline]
    pub fn reset(&mut self, dur: Duration) {
        match &mut self.0 {
            Inner::Tokio(sleep) => sleep.as_mut().reset(tokio::time::Instant::now() + dur),
            Inner::Thread(delay) => delay.reset(dur),
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context) -> Poll<()> {
        match &mut self.0 {
            Inner::Tokio(sleep) => sleep.as_mut().poll(cx),
            Inner::Thread(delay) => Pin::new(delay).poll(cx),
        }
    }
}

impl fmt::Debug for Delay {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.0 {
            Inner::Tokio(sleep) => f.debug_tuple("Delay").field(&sleep.deadline()).finish(),
            Inner::Thread(delay) => delay.fmt(f),
        }
    }
}
