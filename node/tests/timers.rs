//! libp2p's timers (`futures_timer::Delay`, vendored with a change of ours:
//! vendor/futures-timer/PATCHES.md) fire on a tokio runtime's wheel, and still fire on a
//! thread without one.

use std::time::{Duration, Instant};

use futures_timer::Delay;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delay_made_on_a_runtime_fires_after_its_time_and_again_after_a_reset() {
    let started = Instant::now();
    let mut delay = Delay::new(Duration::from_millis(50));
    (&mut delay).await;
    assert!(started.elapsed() >= Duration::from_millis(50));
    let reset = Instant::now();
    delay.reset(Duration::from_millis(30));
    (&mut delay).await;
    assert!(reset.elapsed() >= Duration::from_millis(30));
    // On the runtime's wheel: it is a tokio timer, not the crate's helper thread's.
    assert!(format!("{delay:?}").contains("Instant"), "{delay:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_delay_reset_before_it_fires_waits_for_the_new_time() {
    let started = Instant::now();
    let mut delay = Delay::new(Duration::from_secs(3600));
    delay.reset(Duration::from_millis(20));
    tokio::time::timeout(Duration::from_secs(10), &mut delay)
        .await
        .expect("the reset delay fires");
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[test]
fn a_delay_made_without_a_runtime_fires_on_the_crates_own_thread() {
    let started = Instant::now();
    let delay = Delay::new(Duration::from_millis(40));
    assert!(!format!("{delay:?}").contains("Instant"), "{delay:?}");
    futures::executor::block_on(delay);
    assert!(started.elapsed() >= Duration::from_millis(40));
}
