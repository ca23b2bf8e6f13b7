//! Ports: the outside world as the domain sees it. Implementations live in the
//! application layer (real clock, UUIDv7 ids) and in the test kit (fixed clock).

use time::OffsetDateTime;

/// The source of the current time. Injected everywhere; nothing reads the
/// system clock directly.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The source of new identifiers.
pub trait IdGen: Send + Sync {
    fn new_id(&self) -> String;
}
