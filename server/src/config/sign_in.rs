//! `[sign_in]` and `[oidc]`: how staff sign in. Local passwords with a second step for the
//! roles that need one, and the council's identity provider (OpenID Connect) where set up.

use app::domain::casework::Role;
use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[sign_in]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInFile {
    /// Whether accounts may sign in with a password of ours (default true). Off only when the
    /// identity provider is set up; break-glass accounts (`server user break-glass`) still may.
    pub local_accounts: Option<bool>,
    /// Roles whose local accounts must use two-step sign-in (default `["dpo", "handler"]`).
    pub two_step_required: Option<Vec<String>>,
    /// A session ends this many hours after signing in, however busy (default 10).
    pub session_hours: Option<u32>,
}

/// `[oidc]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcFile {
    /// Like `https://login.microsoftonline.com/{tenant}/v2.0` (one tenant, never `common`).
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    /// Better in the environment: INTAKE_OIDC_CLIENT_SECRET.
    pub client_secret: Option<String>,
    /// What the sign-in button calls the provider (default "Microsoft").
    pub provider_name: Option<String>,
    /// The ID token's claim listing the person's roles (default `roles`, as Entra ID's app
    /// roles are).
    pub roles_claim: Option<String>,
    /// The provider's role value = `intake`, `handler` or `dpo`.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// A claim naming the person's team, if the provider sends one.
    pub team_claim: Option<String>,
    /// The provider's team value = a team id (values that are team ids need no entry).
    #[serde(default)]
    pub teams: BTreeMap<String, String>,
}

/// How staff sign in, checked.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub local_accounts: bool,
    pub two_step_required: Vec<Role>,
    pub session_hours: u32,
    pub oidc: Option<Oidc>,
}

impl Default for SignIn {
    fn default() -> Self {
        SignIn {
            local_accounts: true,
            two_step_required: vec![Role::Dpo, Role::Handler],
            session_hours: 10,
            oidc: None,
        }
    }
}

/// The identity provider, checked. The secret never prints.
#[derive(Debug, Clone)]
pub struct Oidc {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub provider_name: String,
    pub roles_claim: String,
    pub roles: BTreeMap<String, Role>,
    pub team_claim: Option<String>,
    pub teams: BTreeMap<String, String>,
}

impl SignIn {
    pub(super) fn resolve(
        sign_in: Option<SignInFile>,
        oidc: Option<OidcFile>,
        taxonomy: &app::domain::taxonomy::Taxonomy,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<SignIn, String> {
        let teams: Vec<String> = taxonomy.teams.iter().map(|t| t.id.clone()).collect();
        let file = sign_in.unwrap_or_default();
        let d = SignIn::default();
        let two_step_required = match env("INTAKE_TWO_STEP_REQUIRED") {
            // "none", or roles separated by commas.
            Some(v) if v.trim() == "none" => vec![],
            Some(v) => v.split(',').map(|r| r.trim().to_string()).collect(),
            None => match file.two_step_required {
                Some(roles) => roles,
                None => d.two_step_required.iter().map(|r| r.id().into()).collect(),
            },
        };
        let two_step_required = two_step_required
            .iter()
            .map(|r| {
                Role::parse(r).ok_or_else(|| {
                    format!("sign_in two_step_required: '{r}' is not intake, handler or dpo")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let session_hours = file.session_hours.unwrap_or(d.session_hours);
        if !(1..=24).contains(&session_hours) {
            return Err(format!(
                "sign_in session_hours {session_hours}: between 1 and 24"
            ));
        }
        let oidc = oidc.map(|o| Oidc::resolve(o, &teams, env)).transpose()?;
        let local_accounts = file.local_accounts.unwrap_or(true);
        if !local_accounts && oidc.is_none() {
            return Err(
                "sign_in local_accounts = false needs [oidc]: nobody could sign in otherwise"
                    .into(),
            );
        }
        Ok(SignIn {
            local_accounts,
            two_step_required,
            session_hours,
            oidc,
        })
    }
}

impl Oidc {
    fn resolve(
        o: OidcFile,
        teams: &[String],
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<Oidc, String> {
        let issuer = o.issuer.ok_or("oidc: give the issuer")?;
        let url = issuer.trim_end_matches('/');
        if !(url.starts_with("https://") || url.starts_with("http://127.0.0.1:")) {
            return Err(format!(
                "oidc issuer '{issuer}': must be an https address (http only on 127.0.0.1, for tests)"
            ));
        }
        if url.ends_with("/common/v2.0") || url.ends_with("/organizations/v2.0") {
            return Err(format!(
                "oidc issuer '{issuer}': use your own tenant's issuer, not a multi-tenant one"
            ));
        }
        let client_id = o.client_id.ok_or("oidc: give the client_id")?;
        let client_secret = env("INTAKE_OIDC_CLIENT_SECRET")
            .or(o.client_secret)
            .ok_or("oidc: give the client secret (INTAKE_OIDC_CLIENT_SECRET)")?;
        if o.roles.is_empty() {
            return Err("oidc: map at least one of the provider's roles under [oidc.roles]".into());
        }
        let roles = o
            .roles
            .into_iter()
            .map(|(k, v)| {
                Role::parse(&v)
                    .map(|r| (k.clone(), r))
                    .ok_or_else(|| format!("oidc roles {k} = '{v}': use intake, handler or dpo"))
            })
            .collect::<Result<_, _>>()?;
        for (k, t) in &o.teams {
            if !teams.iter().any(|known| known == t) {
                return Err(format!("oidc teams {k} = '{t}': not a team id"));
            }
        }
        Ok(Oidc {
            issuer,
            client_id,
            client_secret: SecretString::from(client_secret),
            provider_name: o.provider_name.unwrap_or_else(|| "Microsoft".into()),
            roles_claim: o.roles_claim.unwrap_or_else(|| "roles".into()),
            roles,
            team_claim: o.team_claim,
            teams: o.teams,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn two_step_is_required_of_handlers_and_the_dpo_unless_configured() {
        let s = SignIn::resolve(None, None, &Default::default(), &no_env).unwrap();
        assert_eq!(s.two_step_required, vec![Role::Dpo, Role::Handler]);
        assert!(s.local_accounts);
        assert_eq!(s.session_hours, 10);
        let none = |k: &str| (k == "INTAKE_TWO_STEP_REQUIRED").then(|| "none".to_string());
        assert!(SignIn::resolve(None, None, &Default::default(), &none)
            .unwrap()
            .two_step_required
            .is_empty());
        let bad = SignInFile {
            two_step_required: Some(vec!["admin".into()]),
            ..Default::default()
        };
        assert!(SignIn::resolve(Some(bad), None, &Default::default(), &no_env).is_err());
    }

    #[test]
    fn local_accounts_go_only_with_a_provider_and_the_provider_is_checked() {
        let off = || SignInFile {
            local_accounts: Some(false),
            ..Default::default()
        };
        assert!(SignIn::resolve(Some(off()), None, &Default::default(), &no_env).is_err());
        let oidc = |issuer: &str| OidcFile {
            issuer: Some(issuer.into()),
            client_id: Some("complaints".into()),
            client_secret: Some("s3cret".into()),
            roles: [("Complaints.Handler".to_string(), "handler".to_string())].into(),
            ..Default::default()
        };
        let tenant = "https://login.microsoftonline.com/0f3c/v2.0";
        let s = SignIn::resolve(
            Some(off()),
            Some(oidc(tenant)),
            &Default::default(),
            &no_env,
        )
        .unwrap();
        let o = s.oidc.unwrap();
        assert_eq!(o.roles["Complaints.Handler"], Role::Handler);
        assert_eq!(o.roles_claim, "roles");
        assert!(
            !format!("{o:?}").contains("s3cret"),
            "the secret never prints"
        );
        for bad in [
            "http://login.example.com/",
            "https://login.microsoftonline.com/common/v2.0",
        ] {
            assert!(SignIn::resolve(None, Some(oidc(bad)), &Default::default(), &no_env).is_err());
        }
        let mut unmapped = oidc(tenant);
        unmapped.roles.insert("X".into(), "admin".into());
        assert!(SignIn::resolve(None, Some(unmapped), &Default::default(), &no_env).is_err());
    }
}
