//! A private OpenLDAP server (Debian's `slapd`) for the directory sign-in
//! tests: its own `cn=config` made with `slapadd -n0`, an mdb database under
//! `dc=example,dc=tw` with the `memberof` overlay, TLS with a CA and server
//! certificate generated here (rcgen), listening on `ldap://` (StartTLS)
//! and `ldaps://` on free loopback ports. Entries are loaded with `ldapadd`
//! after start, so the overlay fills `memberOf`. The process is killed and
//! its directory removed on drop.
//!
//! When `slapd` or the LDAP tools are missing the tests skip with a note,
//! unless `ZIAN_REQUIRE_LDAP=1` (the test command sets it), which makes a
//! missing server a failure. `scripts/install-test-deps.sh` installs them.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::TempDir;

pub const SLAPD: &str = "/usr/sbin/slapd";
pub const BASE_DN: &str = "dc=example,dc=tw";
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=tw";
const ADMIN_PW: &str = "slapd-admin-secret";
/// The service account the platform searches with.
pub const SERVICE_DN: &str = "cn=zian,ou=services,dc=example,dc=tw";
pub const SERVICE_PW: &str = "Service-Bind-2026";

/// A running slapd.
pub struct Slapd {
    child: Child,
    dir: TempDir,
    /// `ldap://127.0.0.1:PORT` (StartTLS).
    pub ldap_url: String,
    /// `ldaps://127.0.0.1:PORT`.
    pub ldaps_url: String,
    /// The CA that signed the server's certificate (PEM).
    pub ca_file: PathBuf,
}

/// Whether slapd can be started here; `false` with a note when it cannot
/// (and a panic under `ZIAN_REQUIRE_LDAP=1`).
pub fn available() -> bool {
    let present = Path::new(SLAPD).exists()
        && Path::new("/usr/sbin/slapadd").exists()
        && Path::new("/usr/bin/ldapadd").exists();
    if !present {
        assert!(
            std::env::var("ZIAN_REQUIRE_LDAP").as_deref() != Ok("1"),
            "ZIAN_REQUIRE_LDAP=1 but slapd or ldap-utils is missing (scripts/install-test-deps.sh installs them)"
        );
        eprintln!("note: slapd or ldap-utils missing; LDAP tests skipped");
    }
    present
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A CA and a server certificate for 127.0.0.1 / localhost signed by it:
/// (ca pem, server cert pem, server key pem).
pub fn test_pki() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Zian test directory CA");
    let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("server key");
    let mut srv = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    srv.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let cert = srv.signed_by(&key, &issuer).expect("server certificate");
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn run(cmd: &mut Command, input: Option<&str>) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    if let Some(text) = input {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Slapd {
    /// Starts a server with the base entries (people, groups, services and
    /// the service account); `None` when slapd is not installed (see
    /// [`available`]).
    pub fn start() -> Option<Slapd> {
        if !available() {
            return None;
        }
        let dir = TempDir::new("zian-slapd");
        let d = dir.0.clone();
        let (ca, cert, key) = test_pki();
        let ca_file = d.join("ca.pem");
        write(&ca_file, &ca);
        write(&d.join("server.pem"), &cert);
        write(&d.join("server.key"), &key);
        std::fs::create_dir_all(d.join("config")).expect("config dir");
        std::fs::create_dir_all(d.join("db")).expect("db dir");
        let p = |name: &str| d.join(name).display().to_string();
        let config = format!(
            "dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {pid}
olcTLSCACertificateFile: {ca}
olcTLSCertificateFile: {cert}
olcTLSCertificateKeyFile: {key}

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcDbDirectory: {db}
olcSuffix: {BASE_DN}
olcRootDN: {ADMIN_DN}
olcRootPW: {ADMIN_PW}
olcDbMaxSize: 67108864
olcAccess: {{0}}to attrs=userPassword by anonymous auth by self write by * none
olcAccess: {{1}}to * by users read by * none

dn: olcOverlay={{0}}memberof,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {{0}}memberof
olcMemberOfRefInt: TRUE
",
            pid = p("slapd.pid"),
            ca = p("ca.pem"),
            cert = p("server.pem"),
            key = p("server.key"),
            db = p("db"),
        );
        write(&d.join("config.ldif"), &config);
        run(
            Command::new("/usr/sbin/slapadd")
                .args(["-n0", "-F"])
                .arg(d.join("config"))
                .arg("-l")
                .arg(d.join("config.ldif")),
            None,
        );
        let (port, tls_port) = (free_port(), free_port());
        let ldap_url = format!("ldap://127.0.0.1:{port}");
        let ldaps_url = format!("ldaps://127.0.0.1:{tls_port}");
        let child = Command::new(SLAPD)
            .arg("-h")
            .arg(format!("{ldap_url}/ {ldaps_url}/"))
            .arg("-F")
            .arg(d.join("config"))
            .args(["-d", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start slapd");
        let s = Slapd {
            child,
            dir,
            ldap_url,
            ldaps_url,
            ca_file,
        };
        s.wait_ready(port);
        s.add(&format!(
            "dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
o: Example Agency
dc: example

dn: ou=people,{BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{BASE_DN}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{BASE_DN}
objectClass: organizationalUnit
ou: services

dn: {SERVICE_DN}
objectClass: person
cn: zian
sn: zian
userPassword: {SERVICE_PW}
"
        ));
        Some(s)
    }

    fn wait_ready(&self, port: u16) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("slapd did not listen on port {port} within 15 s");
    }

    fn tool(&self, name: &str) -> Command {
        let mut c = Command::new(name);
        c.args(["-x", "-H", &self.ldap_url, "-D", ADMIN_DN, "-w", ADMIN_PW]);
        c
    }

    /// Adds entries (LDIF) as the directory's administrator.
    pub fn add(&self, ldif: &str) {
        run(&mut self.tool("/usr/bin/ldapadd"), Some(ldif));
    }

    /// Applies an LDIF change record (`changetype: modify` …).
    pub fn modify(&self, ldif: &str) {
        run(&mut self.tool("/usr/bin/ldapmodify"), Some(ldif));
    }

    /// Deletes an entry.
    pub fn delete(&self, dn: &str) {
        run(self.tool("/usr/bin/ldapdelete").arg(dn), None);
    }

    /// Adds a person `uid=<uid>,ou=people,…` with a password.
    pub fn add_person(&self, uid: &str, name: &str, password: &str) -> String {
        let dn = format!("uid={uid},ou=people,{BASE_DN}");
        self.add(&format!(
            "dn: {dn}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name}
mail: {uid}@example.tw
userPassword: {password}
"
        ));
        dn
    }

    /// Adds a group `cn=<cn>,ou=groups,…` with these member DNs.
    pub fn add_group(&self, cn: &str, members: &[&str]) -> String {
        let dn = format!("cn={cn},ou=groups,{BASE_DN}");
        let mut ldif = format!("dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n");
        for m in members {
            ldif.push_str(&format!("member: {m}\n"));
        }
        self.add(&ldif);
        dn
    }

    /// Adds (or with `remove`, removes) a member of a group.
    pub fn set_member(&self, group_dn: &str, member_dn: &str, remove: bool) {
        let op = if remove { "delete" } else { "add" };
        self.modify(&format!(
            "dn: {group_dn}\nchangetype: modify\n{op}: member\nmember: {member_dn}\n"
        ));
    }

    /// A file holding the service account's password (as
    /// `directory.ldap.bind_password_file` reads it).
    pub fn service_password_file(&self) -> PathBuf {
        let path = self.dir.0.join("service.pw");
        write(&path, &format!("{SERVICE_PW}\n"));
        path
    }

    /// The server's working directory.
    pub fn dir(&self) -> &Path {
        &self.dir.0
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
