//! The audit chain resists rewriting by someone with write access to the
//! database but not the audit key: an edited entry with every later hash
//! recomputed, and a chain cut back to an earlier head, both fail
//! verification; entries written before a key existed are signed once, and
//! only if their chain is intact.

use sqlx::Row;
use zian_domain::OrgScope;
use zian_domain::audit::{AuditEntry, entry_hash};
use zian_storage::{AuditStore, SqlStore};
use zian_testkit::{backend_tests, test_audit_key};

/// Every entry in order, as stored.
async fn entries(store: &SqlStore) -> Vec<AuditEntry> {
    store
        .chain(&OrgScope::system_wide(), 0, 10_000)
        .await
        .expect("chain")
}

async fn exec(store: &SqlStore, sql: &str, args: &[&str]) {
    let mut q = sqlx::query(sql);
    for a in args {
        q = q.bind(a.to_string());
    }
    q.execute(store.pool()).await.expect("sql");
}

/// What an attacker with database access can do: change entry `seq`'s
/// details and recompute the hash of it and every later entry, and the
/// head's hash (the MACs they cannot compute stay as they were).
async fn rewrite_from(store: &SqlStore, seq: i64) {
    let mut chain = entries(store).await;
    let mut prev = chain[(seq - 2) as usize].hash.clone();
    for e in chain.iter_mut().skip((seq - 1) as usize) {
        if e.seq == seq {
            e.details = r#"{"note":"nothing happened"}"#.into();
        }
        e.prev_hash = prev;
        e.hash = entry_hash(e);
        prev = e.hash.clone();
        let s = e.seq.to_string();
        exec(
            store,
            &format!(
                "UPDATE audit_log SET details = $1, prev_hash = $2, hash = $3 WHERE seq = {s}"
            ),
            &[&e.details, &e.prev_hash, &e.hash],
        )
        .await;
    }
    exec(
        store,
        "UPDATE audit_head SET hash = $1 WHERE id = 1",
        &[&prev],
    )
    .await;
}

backend_tests! {
    async fn every_entry_and_the_head_are_signed_and_verify(env: TestEnv) {
        let key = test_audit_key();
        let chain = entries(&env.store).await;
        assert!(chain.len() > 20, "the demo writes entries");
        for e in &chain {
            assert_eq!(e.mac.as_deref(), Some(key.entry_mac(&e.hash).as_str()), "#{}", e.seq);
        }
        let head = env.store.head(&OrgScope::system_wide()).await.unwrap();
        assert_eq!(head.mac, Some(key.head_mac(head.seq, &head.hash)));
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.keyed && rep.broken.is_none(), "{rep:?}");
    }

    async fn a_rewrite_with_recomputed_hashes_is_caught(env: TestEnv) {
        let cp = env.app.audit_checkpoint().await.unwrap();
        let target = cp.seq - 5;
        rewrite_from(&env.store, target).await;
        // the hash chain alone would pass: the rewrite is consistent
        let mut plain = zian_domain::audit::ChainVerifier::default();
        for e in entries(&env.store).await {
            plain.push(&e).unwrap();
        }
        // the MACs do not
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        let broken = rep.broken.expect("rewrite detected");
        assert_eq!(broken.seq, target);
        assert!(broken.reason.contains("MAC"), "{broken:?}");
        // and neither does the checkpoint taken before
        let rep = env.app.verify_audit_chain(vec![cp], |_| {}).await.unwrap();
        assert_eq!(rep.broken.expect("detected").seq, target);
    }

    async fn a_chain_cut_back_to_an_earlier_head_is_caught_by_a_checkpoint(env: TestEnv) {
        // the head as it was at some moment (an attacker who saved it)
        let old = sqlx::query("SELECT seq, hash, mac FROM audit_head WHERE id = 1")
            .fetch_one(env.store.pool())
            .await
            .unwrap();
        let (old_seq, old_hash, old_mac): (i64, String, String) =
            (old.get("seq"), old.get("hash"), old.get("mac"));
        // more happens, a checkpoint is exported
        let admin = env.token_for("admin").await;
        for i in 0..3 {
            let r = env
                .api(
                    axum::http::Method::POST,
                    "/api/v1/orgs",
                    &admin,
                    Some(serde_json::json!({
                        "parent_id": env.org("PIF-POL").await,
                        "name_zh": format!("測試單位{i}"),
                        "tier": "unit",
                        "kind": "public"
                    })),
                )
                .await;
            assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
        }
        let cp = env.app.audit_checkpoint().await.unwrap();
        assert!(cp.seq > old_seq);
        // the attacker removes the later entries and puts the old head back
        exec(&env.store, &format!("DELETE FROM audit_log WHERE seq > {old_seq}"), &[]).await;
        exec(
            &env.store,
            &format!("UPDATE audit_head SET seq = {old_seq}, hash = $1, mac = $2 WHERE id = 1"),
            &[&old_hash, &old_mac],
        )
        .await;
        // a genuine old head: the MACs alone cannot tell
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
        // the checkpoint can
        let rep = env.app.verify_audit_chain(vec![cp.clone()], |_| {}).await.unwrap();
        let broken = rep.broken.expect("truncation detected");
        assert!(broken.reason.contains("checkpoint"), "{broken:?}");
        // a head moved without the key is caught even without a checkpoint
        exec(&env.store, "UPDATE audit_head SET mac = NULL WHERE id = 1", &[]).await;
        let rep = env.app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.expect("head").reason.contains("head"));
        // a forged checkpoint is refused outright
        let mut forged = cp;
        forged.seq = old_seq;
        assert!(env.app.verify_audit_chain(vec![forged], |_| {}).await.is_err());
    }

    async fn entries_from_before_the_key_are_signed_once_and_only_if_intact(backend: Backend) {
        use std::sync::Arc;
        use zian_app::App;
        use zian_app::system::UuidV7;
        let (url, _dir) = zian_testkit::fresh_database(backend).await;
        let open = || async { SqlStore::open(&url).await.expect("open") };
        let app_of = |store: &SqlStore| {
            App::new(
                store,
                Arc::new(zian_testkit::FakeClock::new(1_795_222_800)),
                Arc::new(UuidV7),
                zian_app::AuthConfig::default(),
            )
        };
        // a deployment without a key writes a few entries
        let unkeyed = open().await;
        for i in 0..4 {
            unkeyed
                .append(zian_domain::audit::AuditEvent::new(&format!("test.{i}")), 1_795_222_800 + i)
                .await
                .unwrap();
        }
        assert!(entries(&unkeyed).await.iter().all(|e| e.mac.is_none()));
        // with a key, verification refuses them until they are anchored
        let keyed = open().await.with_audit_key(test_audit_key());
        let app = app_of(&keyed);
        let rep = app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert_eq!(rep.broken.expect("unsigned").seq, 1);
        assert_eq!(app.anchor_audit_chain().await.unwrap(), Some((1, 4)));
        assert_eq!(app.anchor_audit_chain().await.unwrap(), None, "only once");
        let rep = app.verify_audit_chain(Vec::new(), |_| {}).await.unwrap();
        assert!(rep.broken.is_none(), "{rep:?}");
        let chain = entries(&keyed).await;
        assert_eq!(chain.len(), 5);
        assert_eq!(chain[4].action, "audit.anchored");

        // a chain tampered with before the key existed is not blessed
        let (url2, _dir2) = zian_testkit::fresh_database(backend).await;
        let unkeyed = SqlStore::open(&url2).await.unwrap();
        for i in 0..3 {
            unkeyed
                .append(zian_domain::audit::AuditEvent::new("test"), 1_795_222_800 + i)
                .await
                .unwrap();
        }
        exec(&unkeyed, "UPDATE audit_log SET details = '{\"x\":1}' WHERE seq = 2", &[]).await;
        let keyed = SqlStore::open(&url2).await.unwrap().with_audit_key(test_audit_key());
        let err = app_of(&keyed).anchor_audit_chain().await.unwrap_err();
        assert!(matches!(err, zian_app::AppError::Conflict("audit_chain_broken")), "{err:?}");
        assert!(entries(&keyed).await.iter().all(|e| e.mac.is_none()));
    }
}
