//! What the benchmarks measure of a process or a directory: disk use, memory, CPU time,
//! percentiles, and sizes from the environment.

use std::path::Path;

/// Sums `measure` over every file under `dir`.
fn dir_sum(dir: &Path, measure: &dyn Fn(&std::fs::Metadata) -> u64) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        dir_sum(&p, measure)
                    } else {
                        e.metadata().map(|m| measure(&m)).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Bytes of all files under `dir` (what `du --apparent-size` says).
pub fn dir_size(dir: &Path) -> u64 {
    dir_sum(dir, &|m| m.len())
}

/// Disk blocks actually allocated under `dir`, in bytes (what `du` says).
pub fn dir_allocated(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    dir_sum(dir, &|m| m.blocks() * 512)
}

/// Resident memory of process `pid` in KiB (Linux: /proc).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of process `pid` (utime + stime) in clock ticks, 100 per second on Linux.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// p-th percentile (0..=100) of sorted durations.
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    if sorted.is_empty() {
        return std::time::Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A number from the environment variable `name` (a benchmark's size), or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU time (user and system) process `pid` used so far, from /proc.
pub fn cpu_time_of(pid: u32) -> std::time::Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command name (in parentheses): fields 14 and 15 are utime and stime.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // USER_HZ is 100 on Linux.
    std::time::Duration::from_millis(ticks * 10)
}

/// Peak resident memory of process `pid` in bytes (`VmHWM`), 0 if unknown.
pub fn peak_memory_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    kb * 1024
}

/// Files process `pid` holds open.
pub fn open_files_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}
