//! Logical backup and restore on every backend, and across backends: the
//! restored database has the same organisations, users, evidence files and
//! an intact audit chain; a backup of the restored database is byte for byte
//! the archive it came from; damaged and truncated archives are found; old
//! (version 1) archives still restore.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use data_encoding::BASE64;
use serde_json::json;
use zian_app::App;
use zian_app::system::UuidV7;
use zian_domain::list::HARD_LIMIT;
use zian_domain::{ListQuery, OrgScope};
use zian_storage::backup::verify;
use zian_storage::{AuditStore, OrgStore, PeopleStore, RiskStore, SqlStore, SystemStore};
use zian_testkit::{Backend, FakeClock, TestEnv, backend_enabled, backend_tests, fresh_database};

async fn summary(store: &SqlStore) -> (Vec<String>, Vec<String>, i64) {
    let all = OrgScope::system_wide();
    let q = ListQuery::all(HARD_LIMIT);
    let orgs = OrgStore::list(store, &all, &q)
        .await
        .expect("database")
        .items
        .into_iter()
        .map(|o| format!("{}|{}|{}", o.id, o.path, o.name_zh))
        .collect();
    let users = store
        .list_users(&all, &q)
        .await
        .expect("database")
        .items
        .into_iter()
        .map(|u| format!("{}|{}", u.id, u.username))
        .collect();
    let head = store.head(&all).await.expect("database").seq;
    (orgs, users, head)
}

async fn backup_of(store: &SqlStore) -> Vec<u8> {
    let mut archive = Vec::new();
    store
        .backup(&mut archive, &mut |_, _, _| {})
        .await
        .expect("backup");
    archive
}

/// Restores `archive` into a fresh database on `target`.
async fn restore_into(
    target: Backend,
    archive: &[u8],
) -> (SqlStore, Option<zian_testkit::TempDir>) {
    let (url, dir) = fresh_database(target).await;
    let store = SqlStore::open(&url).await.expect("open");
    let mut reader = std::io::BufReader::new(archive);
    store
        .restore(&mut reader, &mut |_, _, _| {})
        .await
        .expect("restore");
    (store, dir)
}

/// An evidence file uploaded through the API and a completion proved by it
/// (its SHA-256 recorded): the two columns whose names hold a digit.
async fn evidence_and_completion(env: &TestEnv, bytes: &[u8]) -> String {
    let officer = env.token_for("officer.police").await;
    let pol = env.org("PIF-POL").await;
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{pol}/evidence"),
            &officer,
            Some(json!({"filename": "稽核報告.pdf", "content_type": "application/pdf", "content_base64": BASE64.encode(bytes)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    let obs = env
        .api(
            Method::GET,
            &format!("/api/v1/orgs/{pol}/obligations"),
            &officer,
            None,
        )
        .await
        .json();
    let rule = obs["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["status"] == "overdue" && o["frequency"] != "once")
        .expect("an overdue obligation")["id"]
        .as_str()
        .expect("rule id")
        .to_string();
    let r = env
        .api(
            Method::POST,
            &format!("/api/v1/orgs/{pol}/obligations/completions"),
            &officer,
            Some(json!({"rule_id": rule, "note": "內部稽核已完成", "evidence_id": id})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    id
}

/// The police bureau's security officer, logged in to a restored database
/// with the demo password.
async fn officer_of(app: &App) -> zian_app::Principal {
    let meta = zian_app::RequestMeta::default();
    let login = app
        .login("officer.police", zian_testkit::PASSWORD, &meta)
        .await
        .expect("the restored user logs in");
    app.authenticate_session(&login.session_token, &meta)
        .await
        .expect("session")
        .0
}

// Restoring across backends needs both at once, so this is one test per
// source → target pair rather than one per backend: each pair runs, skips and
// fails on its own, and `sqlite_to_sqlite` needs no PostgreSQL.
//
// `cfg(test)` is always true here; it marks the helper as test code for the
// lints (`allow-unwrap-in-tests`).
#[cfg(test)]
mod backup_restores_on_every_backend_and_across_them {
    use super::*;

    /// Backs up a demo database on `source`, after an organisation move, risk
    /// settings with labels, an archived system, an evidence file and a
    /// completion proved by it, and restores the archive into a fresh
    /// database on `target`. Skips (or fails, see
    /// [`zian_testkit::backend_enabled`]) when either backend is not available.
    async fn backup_and_restore(source: Backend, target: Backend) {
        if !(backend_enabled(source) && backend_enabled(target)) {
            return;
        }
        let env = TestEnv::demo(source).await;
        let admin = env.principal("admin").await;
        env.app
            .move_org(&admin, &env.org("PIF-HLT-IT").await, &env.org("PIF").await)
            .await
            .unwrap();
        // risk settings (with labels) and an archived system are carried too
        let pif = env.org("PIF").await;
        env.app
            .set_risk_settings(
                &admin,
                &pif,
                zian_app::risk::RiskSettingsInput {
                    scale_max: Some(4),
                    threshold: Some(20),
                    likelihood_labels_zh: ["極低", "低", "中", "高"].map(String::from).to_vec(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let sys = env
            .app
            .create_system(
                &admin,
                &pif,
                zian_app::systems::SystemInput {
                    name: "縣府公文系統".into(),
                    owner: "資訊處".into(),
                    description: None,
                },
            )
            .await
            .unwrap();
        env.app
            .set_system_archived(&admin, &sys.id, true)
            .await
            .unwrap();
        // every byte value, so the file's bytes must come back exactly
        // (after the PDF signature: the content must match the extension)
        let mut bytes: Vec<u8> = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..70_000u32).map(|i| (i % 256) as u8));
        let evidence = evidence_and_completion(&env, &bytes).await;
        let all = OrgScope::system_wide();
        let settings = env.store.scale_chain(&all, &pif).await.unwrap();
        assert_eq!(settings.len(), 1);
        let systems = env.store.all(&all, None, true).await.unwrap();
        let archive = backup_of(&env.store).await;
        let written = verify(&mut &archive[..]).unwrap();
        assert!(written.rows() > 50, "{written:?}");
        let before = summary(&env.store).await;
        let (store, _dir) = restore_into(target, &archive).await;
        assert_eq!(summary(&store).await, before, "{source:?} → {target:?}");
        assert_eq!(store.scale_chain(&all, &pif).await.unwrap(), settings);
        assert_eq!(
            SystemStore::all(&store, &all, None, true).await.unwrap(),
            systems
        );
        // a backup of the restored database is the same archive, byte for byte
        assert!(
            backup_of(&store).await == archive,
            "{source:?} → {target:?}"
        );
        let app = App::new(
            &store,
            Arc::new(FakeClock::new(env.clock.unix())),
            Arc::new(UuidV7),
            zian_testkit::test_config(),
        );
        let rep = app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
        // the restored users can log in with their passwords
        let officer = officer_of(&app).await;
        // the evidence file comes back with the same bytes
        let (file, got) = app
            .evidence_file(&officer, &evidence.as_str().into())
            .await
            .unwrap();
        assert_eq!(got, bytes);
        assert_eq!(file.size_bytes, bytes.len() as i64);
        // a second restore is refused
        let mut reader = std::io::BufReader::new(&archive[..]);
        assert!(store.restore(&mut reader, &mut |_, _, _| {}).await.is_err());
    }

    #[tokio::test]
    async fn sqlite_to_sqlite() {
        backup_and_restore(Backend::Sqlite, Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn sqlite_to_postgres() {
        backup_and_restore(Backend::Sqlite, Backend::Postgres).await;
    }

    #[tokio::test]
    async fn postgres_to_sqlite() {
        backup_and_restore(Backend::Postgres, Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres_to_postgres() {
        backup_and_restore(Backend::Postgres, Backend::Postgres).await;
    }
}

backend_tests! {
    async fn verify_finds_a_flipped_byte_and_a_cut(env: TestEnv) {
        evidence_and_completion(&env, b"%PDF-1.7 evidence").await;
        let archive = backup_of(&env.store).await;
        let ok = verify(&mut &archive[..]).unwrap();
        assert_eq!(ok.version, 2);
        let tables: Vec<&str> = ok.tables.iter().map(|t| t.table.as_str()).collect();
        assert_eq!(tables, zian_storage::backup::TABLES);
        // one bit flipped anywhere: in a row, a header, the trailer
        for at in [archive.len() / 3, archive.len() / 2, archive.len() - 20, 30] {
            let mut bad = archive.clone();
            bad[at] ^= 0x04;
            let e = verify(&mut &bad[..]).unwrap_err().to_string();
            assert!(e.contains("line"), "{e}");
            // and a restore of it changes nothing
            let (url, _dir) = fresh_database(env.backend).await;
            let store = SqlStore::open(&url).await.unwrap();
            let mut r = std::io::BufReader::new(&bad[..]);
            assert!(store.restore(&mut r, &mut |_, _, _| {}).await.is_err());
            let orgs = OrgStore::list(&store, &OrgScope::system_wide(), &ListQuery::all(10)).await.unwrap();
            assert!(orgs.items.is_empty(), "rolled back");
        }
        // cut at a line end (the trailer missing) and in the middle of a line
        let last_line = archive[..archive.len() - 1].iter().rposition(|b| *b == b'\n').unwrap() + 1;
        let e = verify(&mut &archive[..last_line]).unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
        let e = verify(&mut &archive[..archive.len() / 2]).unwrap_err().to_string();
        assert!(e.contains("truncated") || e.contains("line"), "{e}");
    }

    async fn nul_in_stored_text_fails_the_backup_clearly(backend: Backend) {
        // only SQLite can hold such text (written before the rule, or by hand)
        if backend != Backend::Sqlite {
            return;
        }
        let env = TestEnv::demo(backend).await;
        sqlx::query("UPDATE orgs SET name_en = 'a' || char(0) || 'b' WHERE code = 'PIF-POL'")
            .execute(env.store.pool())
            .await
            .unwrap();
        let mut out = Vec::new();
        let e = env.store.backup(&mut out, &mut |_, _, _| {}).await.unwrap_err().to_string();
        assert!(e.contains("NUL") && e.contains("orgs") && e.contains("name_en"), "{e}");
    }

    async fn a_version_1_archive_still_restores(backend: Backend) {
        // written by the version-1 backup (before this format): a demo
        // database with an evidence file and a completion proved by it
        let archive = include_bytes!("fixtures/backup-v1.zian");
        let s = verify(&mut &archive[..]).unwrap();
        assert_eq!(s.version, 1);
        let (store, _dir) = restore_into(backend, archive).await;
        let all = OrgScope::system_wide();
        let orgs = OrgStore::list(&store, &all, &ListQuery::all(HARD_LIMIT)).await.unwrap();
        assert!(!orgs.items.is_empty());
        let app = App::new(&store, Arc::new(FakeClock::new(1_795_222_800)), Arc::new(UuidV7), zian_testkit::test_config());
        let officer = officer_of(&app).await;
        let pol = orgs.items.iter().find(|o| o.code.as_deref() == Some("PIF-POL")).unwrap().id.clone();
        let files = app.list_evidence(&officer, &pol, &ListQuery::all(10)).await.unwrap();
        assert_eq!(files.items.len(), 1);
        let (f, bytes) = app.evidence_file(&officer, &files.items[0].id).await.unwrap();
        assert_eq!(bytes, b"%PDF-1.7 version-1 evidence");
        assert_eq!(f.size_bytes, 27);
        // and its backup now is a version-2 archive that restores elsewhere
        let again = backup_of(&store).await;
        assert_eq!(verify(&mut &again[..]).unwrap().version, 2);
    }
}
