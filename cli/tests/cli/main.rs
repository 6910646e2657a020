//! The command-line tests, one binary: each module starts real `wiel` processes (or in-process
//! peers) and checks what a user or a peer sees. One binary links the node once, not 19 times.

mod backup;
mod bad_input;
mod browser;
mod budgets;
mod byzantine;
mod convergence;
mod doctor;
mod flood;
mod flows;
mod help;
mod hostile;
mod json_contract;
mod language;
mod lying_peer;
mod names;
mod nat;
mod network;
mod nothing_vanishes;
mod openapi;
mod package;
mod privacy;
mod regressions;
mod relevance;
mod search;
mod service;
mod sign_in;
mod sync;
mod threads;
mod trust;
mod web;
mod web_more;
