//! Logical backup and restore on every backend, and across backends: the
//! restored database has the same organisations, users and an intact audit
//! chain.

use std::sync::Arc;

use zian_app::App;
use zian_app::system::UuidV7;
use zian_domain::list::HARD_LIMIT;
use zian_domain::{ListQuery, OrgScope};
use zian_storage::{AuditStore, OrgStore, PeopleStore, RiskStore, SqlStore, SystemStore};
use zian_testkit::{Backend, FakeClock, TestEnv, backend_enabled, fresh_database};

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

// Restoring across backends needs both at once, so this is one test per
// source → target pair rather than one per backend: each pair runs, skips and
// fails on its own, and `sqlite_to_sqlite` needs no PostgreSQL. (The single
// test this replaces backed up once per source and restored that archive into
// every target; each pair now takes its own, identical, backup.)
//
// `cfg(test)` is always true here; it marks the helper as test code for the
// lints (`allow-unwrap-in-tests`).
#[cfg(test)]
mod backup_restores_on_every_backend_and_across_them {
    use super::*;

    /// Backs up a demo database on `source`, after an organisation move, risk
    /// settings with labels and an archived system, and restores the archive into
    /// a fresh database on `target`. Skips (or fails, see
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
        let all = OrgScope::system_wide();
        let settings = env.store.scale_chain(&all, &pif).await.unwrap();
        assert_eq!(settings.len(), 1);
        let systems = env.store.all(&all, None, true).await.unwrap();
        let mut archive = Vec::new();
        let rows = env
            .store
            .backup(&mut archive, &mut |_, _, _| {})
            .await
            .unwrap();
        assert!(rows > 50, "{rows}");
        let before = summary(&env.store).await;
        let (url, _dir) = fresh_database(target).await;
        let store = SqlStore::open(&url).await.unwrap();
        let mut reader = std::io::BufReader::new(&archive[..]);
        let n = store.restore(&mut reader, &mut |_, _, _| {}).await.unwrap();
        assert_eq!(n, rows, "{source:?} → {target:?}");
        assert_eq!(summary(&store).await, before, "{source:?} → {target:?}");
        assert_eq!(store.scale_chain(&all, &pif).await.unwrap(), settings);
        assert_eq!(
            SystemStore::all(&store, &all, None, true).await.unwrap(),
            systems
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
        app.login(
            "officer.police",
            zian_testkit::PASSWORD,
            &Default::default(),
        )
        .await
        .unwrap();
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
