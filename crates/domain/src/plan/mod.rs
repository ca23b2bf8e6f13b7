//! The maintenance plan (資通安全維護計畫, seed 003) as structured, versioned
//! data: the chapter [`schema`], [`content`] checked against it, the
//! [`review`] before submission (completeness and the level's
//! requirements), the [`diff`] between versions, the approval [`workflow`]
//! and the official [`template`] to start from.

pub mod content;
pub mod diff;
pub mod review;
pub mod schema;
pub mod template;
pub mod version;
pub mod workflow;

pub use content::{FieldError, PlanContent, normalise};
pub use diff::{Change, ChangeKind, diff};
pub use review::{
    Finding, LevelRequirements, RequirementCheck, Severity, check, requirement_checks,
};
pub use schema::{CHAPTERS, Chapter, Field, Kind, LiveSection, chapter};
pub use template::template;
pub use version::{KpiMeasurement, PlanTransition, PlanVersion};
pub use workflow::{PlanAction, PlanStatus};
