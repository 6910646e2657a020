//! `wiel doctor`: gathers the facts (the configuration, the node's status and peers, the
//! disk, the web page) and prints what `wiel_node::doctor` makes of them. Exit code 1 when
//! it found a problem.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Result, bail};
use wiel_lang::{Localise, Message, msg, t};
use wiel_node::DataDir;
use wiel_node::config::Config;
use wiel_node::doctor::{Check, DiskSpace, Facts, Finding, Health, WebProbe, diagnose};
use wiel_node::wire::Nothing;

/// How long the web page may take to answer the probe.
const WEB_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

pub fn doctor(data_dir: &DataDir, json: bool) -> Result<()> {
    let findings = examine(data_dir);
    let problems = findings.iter().filter(|f| f.health == Health::Fail).count();
    if json {
        crate::output::json(&wiel_node::doctor::DoctorReport::of(&findings))?;
    } else {
        let mut out = std::io::stdout().lock();
        for f in &findings {
            let (mark, word) = match f.health {
                Health::Ok => ("✓", t!("doctor-ok")),
                Health::Note => ("i", t!("doctor-note")),
                Health::Warn => ("!", t!("doctor-warn")),
                Health::Fail => ("✗", t!("doctor-fail")),
            };
            writeln!(
                out,
                "{mark} {:<16} {:<10} {}",
                check_name(f.check),
                word,
                f.message.text()
            )?;
        }
    }
    if problems > 0 {
        bail!(t!("doctor-problems", count = problems as u64));
    }
    Ok(())
}

fn check_name(check: Check) -> String {
    let id = serde_json::to_value(check)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Message::new(format!("doctor-check-{id}")).text()
}

fn fail(check: Check, message: Message) -> Vec<Finding> {
    vec![Finding {
        check,
        health: Health::Fail,
        message,
    }]
}

/// Every finding; what cannot be read is a finding too, never an early error.
fn examine(data_dir: &DataDir) -> Vec<Finding> {
    let config = match Config::load(data_dir) {
        Ok(config) => config,
        Err(e) => {
            return fail(
                Check::Config,
                msg!("doctor-config-unreadable", reason = e.message().text()),
            );
        }
    };
    let facts = wiel_node::ops::open(data_dir).and_then(|backend| {
        let status = backend.status(Nothing {})?;
        let peers = match status.network {
            Some(_) => backend.peers(Nothing {})?,
            None => Vec::new(),
        };
        Ok((status, peers))
    });
    let (status, peers) = match facts {
        Ok(facts) => facts,
        Err(e) => {
            return fail(
                Check::Store,
                msg!(
                    "doctor-store-unreadable",
                    reason = wiel_node::text::one_line(&format!("{e:#}"))
                ),
            );
        }
    };
    let (disk, disk_error) = match rustix::fs::statvfs(data_dir.root()) {
        Ok(s) => (
            Some(DiskSpace {
                free: s.f_bavail.saturating_mul(s.f_frsize),
                total: s.f_blocks.saturating_mul(s.f_frsize),
            }),
            None,
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    let mut findings = diagnose(&Facts {
        config: &config,
        status: &status,
        peers: &peers,
        disk,
        web: config.web.listen.map(probe_web),
    });
    if let Some(reason) = disk_error {
        findings.push(Finding {
            check: Check::Disk,
            health: Health::Warn,
            message: msg!("doctor-disk-unknown", reason = reason),
        });
    }
    findings
}

/// Asks the web page for its front page, as a colleague's browser would (on this machine
/// when it listens on every address).
fn probe_web(listen: SocketAddr) -> WebProbe {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let addr = SocketAddr::new(ip, listen.port());
    // One deadline for the whole probe: a server that answers a byte now and then does
    // not keep the doctor waiting.
    let deadline = std::time::Instant::now() + WEB_PROBE_TIMEOUT;
    let left = || {
        deadline
            .checked_duration_since(std::time::Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::TimedOut))
    };
    let answer = (|| -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, left()?)?;
        stream.set_write_timeout(Some(left()?))?;
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut head = Vec::new();
        let mut buf = [0u8; 12];
        while head.len() < buf.len() {
            stream.set_read_timeout(Some(left()?))?;
            match stream.read(&mut buf[..12 - head.len()])? {
                0 => break,
                n => head.extend_from_slice(&buf[..n]),
            }
        }
        Ok(String::from_utf8_lossy(&head).into_owned())
    })();
    match answer {
        Ok(head) if head.starts_with("HTTP/1.") => WebProbe::Answered,
        Ok(head) => WebProbe::NoAnswer(format!("{addr}: {}", head.trim())),
        Err(e) => WebProbe::NoAnswer(format!("{addr}: {e}")),
    }
}
