//! My account: password and two-step verification.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;
use zian_app::AppError;
use zian_i18n::msg;

use crate::error::PageResult;
use crate::extract::{NoFields, PageCaller, PageForm};
use crate::layout::{FlashQuery, PageCtx, ctx, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub ctx: PageCtx,
    pub mfa_on: bool,
    pub codes_left: i64,
    pub expires_on: String,
}

pub async fn account(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = ctx(
        &st.app,
        &pc,
        "account.title",
        "account",
        fq.flash().as_deref(),
    )
    .await?;
    let max = st.app.cfg.password.max_age_days;
    let expires_on = if max > 0 {
        crate::layout::fmt_moment(pc.p.user.password_changed_at + max * 86_400, pc.lang)
    } else {
        "—".into()
    };
    render(&AccountPage {
        ctx: c,
        mfa_on: pc.p.user.totp_enabled,
        codes_left: st.app.recovery_codes_left(&pc.p).await?,
        expires_on,
    })
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub ctx: PageCtx,
    pub forced: bool,
    pub policy_min: usize,
    pub policy_classes: usize,
    pub policy_days: i64,
}

async fn password_page(
    st: &AppState,
    pc: &PageCaller,
) -> Result<PasswordPage, crate::error::PageError> {
    Ok(PasswordPage {
        ctx: ctx(&st.app, pc, "password.title", "account", None).await?,
        forced: pc.session.must_change_password,
        policy_min: st.app.cfg.password.min_length,
        policy_classes: st.app.cfg.password.min_classes,
        policy_days: st.app.cfg.password.max_age_days,
    })
}

pub async fn password_form(State(st): State<AppState>, pc: PageCaller) -> PageResult {
    render(&password_page(&st, &pc).await?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_submit(
    State(st): State<AppState>,
    form: PageForm<PasswordForm>,
) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    let result = if f.new_password == f.confirm_password {
        st.app
            .change_password(
                &pc.p,
                Some(&pc.session.id_hash),
                &f.current_password,
                &f.new_password,
            )
            .await
    } else {
        Err(AppError::invalid(
            "confirm_password",
            msg!("reason.account.passwords_differ"),
        ))
    };
    match result {
        Ok(()) => Ok(see_other("/account?ok=password_changed")),
        // a refusal goes back to the form (crate::refill), the wrong
        // current password named as that field's problem
        Err(AppError::InvalidCredentials) => {
            Err(AppError::invalid("current_password", msg!("reason.account.current_wrong")).into())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mfa_settings.html")]
pub struct MfaPage {
    pub ctx: PageCtx,
    pub enabled: bool,
    pub required: bool,
    pub setup: Option<zian_app::auth::TotpSetup>,
    /// The setup's `otpauth://` URI as an inline SVG QR code.
    pub qr_svg: Option<String>,
    pub codes: Vec<String>,
}

/// An inline SVG QR code of `text`, drawn here (no network, no script): dark
/// modules as one path, a white quiet zone, sized by the stylesheet.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // drop the XML declaration: the SVG is inlined into HTML
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg ", "<svg class=\"qr\" id=\"totp-qr\" ", 1))
}

pub async fn mfa(
    State(st): State<AppState>,
    pc: PageCaller,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let c = ctx(
        &st.app,
        &pc,
        "mfa.settings",
        "account",
        fq.flash().as_deref(),
    )
    .await?;
    // an enrolment begun and not yet confirmed carries on with its secret
    let setup = st.app.pending_totp(&pc.p).await?;
    render(&MfaPage {
        ctx: c,
        enabled: pc.p.user.totp_enabled,
        required: pc.session.must_enrol_mfa || st.app.mfa_required_for(&pc.p.roles()),
        qr_svg: setup.as_ref().and_then(|s| qr_svg(&s.otpauth_uri)),
        setup,
        codes: Vec::new(),
    })
}

pub async fn mfa_begin(State(st): State<AppState>, form: PageForm<NoFields>) -> PageResult {
    let pc = form.pc;
    if !pc.p.user.totp_enabled {
        st.app.begin_totp(&pc.p).await?;
    }
    // the settings page shows the pending secret until it is confirmed
    Ok(see_other("/account/mfa"))
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn mfa_confirm(State(st): State<AppState>, form: PageForm<CodeForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    match st.app.confirm_totp(&pc.p, &f.code).await {
        Ok(codes) => {
            let c = ctx(
                &st.app,
                &pc,
                "mfa.settings",
                "account",
                Some("ok:mfa_enabled"),
            )
            .await?;
            render(&MfaPage {
                ctx: c,
                enabled: true,
                required: false,
                setup: None,
                qr_svg: None,
                codes,
            })
        }
        // back to the settings page (crate::refill), which still shows the
        // pending secret: the same authenticator entry works
        Err(AppError::InvalidCode) => {
            Err(AppError::invalid("code", msg!("reason.account.code_wrong")).into())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    password: String,
}

pub async fn mfa_disable(State(st): State<AppState>, form: PageForm<DisableForm>) -> PageResult {
    let (pc, f) = (form.pc, form.form);
    match st.app.disable_totp(&pc.p, &f.password).await {
        Ok(()) => Ok(see_other("/account/mfa?ok=mfa_disabled")),
        // back to the form (crate::refill), the password named as the problem
        Err(AppError::InvalidCredentials) => {
            Err(AppError::invalid("password", msg!("reason.account.current_wrong")).into())
        }
        Err(AppError::Forbidden) => Ok(see_other("/account/mfa?err=mfa_required")),
        Err(e) => Err(e.into()),
    }
}

pub async fn mfa_recovery(State(st): State<AppState>, form: PageForm<NoFields>) -> PageResult {
    let pc = form.pc;
    if !pc.p.user.totp_enabled {
        return Ok(see_other("/account/mfa"));
    }
    let codes = st.app.new_recovery_codes(&pc.p).await?;
    let c = ctx(&st.app, &pc, "mfa.settings", "account", None).await?;
    render(&MfaPage {
        ctx: c,
        enabled: true,
        required: false,
        setup: None,
        qr_svg: None,
        codes,
    })
}
