//! The envelope around a payload: who sent it, when, and why ([`EventMetadata`]), as a
//! [`DomainEvent`], and the mapping of that to and from CloudEvents 1.0 (DESIGN §6).

mod cloudevent;
mod event;

pub use event::{DomainEvent, EventMetadata};
