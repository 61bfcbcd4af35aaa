//! The intake, in process: every HTTP status through the Router, the same
//! tests on SQLite and on a real PostgreSQL server, concurrent uploads over
//! TCP, and random and mutated input.

mod api;
mod attachments;
mod clerk;
mod compat;
mod concurrency;
mod console;
mod corpus;
mod evaluations;
mod findings;
mod health;
mod hostile;
mod load;
mod person;
mod robust;
mod rotation;
mod sheet;
mod summaries;
mod support;
mod trust;
