//! The emergency handling principles (緊急處理原則) an incident
//! instantiates as a checklist (`data/playbooks.toml`, from seed 002
//! §5.3.5): one playbook per kind of incident, its steps in order.

use serde::Deserialize;

use crate::RulesError;

const PLAYBOOKS_TOML: &str = include_str!("../data/playbooks.toml");

/// One playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Each step in both languages, in order.
    pub steps: Vec<(String, String)>,
}

/// The shipped playbooks with their source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbooks {
    pub source: String,
    pub playbooks: Vec<Playbook>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: String,
    playbook: Vec<RawPlaybook>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    id: String,
    name_zh: String,
    name_en: String,
    steps_zh: Vec<String>,
    steps_en: Vec<String>,
}

impl Playbooks {
    /// Parses and checks: unique ids, at least one step, as many English
    /// steps as Chinese ones.
    pub fn parse(src: &str) -> Result<Playbooks, RulesError> {
        const FILE: &str = "playbooks.toml";
        let bad = |message: String| RulesError::Parse {
            file: FILE.to_string(),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| bad(e.to_string()))?;
        let mut out: Vec<Playbook> = Vec::new();
        for p in raw.playbook {
            if out.iter().any(|x| x.id == p.id) {
                return Err(bad(format!("playbook {} defined twice", p.id)));
            }
            if p.steps_zh.is_empty() || p.steps_zh.len() != p.steps_en.len() {
                return Err(bad(format!(
                    "playbook {}: {} Chinese and {} English steps",
                    p.id,
                    p.steps_zh.len(),
                    p.steps_en.len()
                )));
            }
            out.push(Playbook {
                id: p.id,
                name_zh: p.name_zh,
                name_en: p.name_en,
                steps: p.steps_zh.into_iter().zip(p.steps_en).collect(),
            });
        }
        Ok(Playbooks {
            source: raw.source,
            playbooks: out,
        })
    }

    /// The shipped playbooks, parsed once per process.
    pub fn shipped() -> Result<&'static Playbooks, RulesError> {
        static SHIPPED: std::sync::OnceLock<Result<Playbooks, String>> = std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| Self::parse(PLAYBOOKS_TOML).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| RulesError::Parse {
                file: "playbooks.toml".to_string(),
                message: e.clone(),
            })
    }

    pub fn get(&self, id: &str) -> Option<&Playbook> {
        self.playbooks.iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_principles_of_seed_002_ship() {
        let p = Playbooks::shipped().unwrap();
        let ids: Vec<&str> = p.playbooks.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "internal_sabotage",
                "malware",
                "intrusion",
                "building_emergency"
            ]
        );
        assert_eq!(p.get("intrusion").unwrap().steps.len(), 5);
        assert!(p.get("malware").unwrap().steps[1].0.contains("隔離"));
        assert!(p.source.contains("5.3.5"));
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let twice = "source = \"s\"\n[[playbook]]\nid = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nsteps_zh = [\"一\"]\nsteps_en = [\"one\"]\n[[playbook]]\nid = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nsteps_zh = [\"一\"]\nsteps_en = [\"one\"]\n";
        assert!(
            Playbooks::parse(twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let uneven = "source = \"s\"\n[[playbook]]\nid = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nsteps_zh = [\"一\", \"二\"]\nsteps_en = [\"one\"]\n";
        assert!(
            Playbooks::parse(uneven)
                .unwrap_err()
                .to_string()
                .contains("English")
        );
        assert!(Playbooks::parse("source = 1").is_err());
    }
}
