//! `server user …`: staff accounts from the command line.

use crate::staff::hash_password;
use app::domain::casework::{check_new_password, parse_username, Role};

/// `server user …`: staff accounts from the command line. A password is read from standard
/// input (never an argument, which other users of the machine could see); a new password, a
/// new role, disabling and signing out end every session the account has open.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum UserCommand {
    /// Add an account: `user add kim handler Kim Handler` (the password from standard input).
    Add {
        /// The name the account signs in with.
        username: String,
        #[arg(value_enum)]
        role: RoleArg,
        /// The name staff see, in as many words as it has.
        #[arg(required = true, num_args = 1..)]
        name: Vec<String>,
    },
    /// Set a new password (from standard input); clears any lock.
    Password { username: String },
    /// Put the account in a team (a team id from the configuration, or `none`).
    Team { username: String, team: String },
    /// Give the account another role.
    Role {
        username: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Stop the account signing in.
    Disable { username: String },
    /// Let a disabled account sign in again.
    Enable { username: String },
    /// End every session the account has open.
    SignOut { username: String },
    /// Take two-step sign-in away (a lost phone): set up again at the next sign-in.
    ResetTwoStep { username: String },
    /// Let the account sign in with its password even when `[sign_in] local_accounts` is
    /// false (emergency access if the identity provider fails); `--off` takes that away.
    BreakGlass {
        username: String,
        #[arg(long)]
        off: bool,
    },
}

/// A role as the command line names it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Intake,
    Handler,
    Dpo,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Intake => Role::Intake,
            RoleArg::Handler => Role::Handler,
            RoleArg::Dpo => Role::Dpo,
        }
    }
}

/// Carries out `server user …`; the line to print, or why not.
pub async fn add_user_from_cli(
    staff: &dyn crate::store::staff::StaffStore,
    command: &UserCommand,
    teams: &[String],
) -> Result<String, String> {
    use crate::store::staff::AccountChange;
    let change = |username: &str, change: AccountChange| {
        let username = username.to_string();
        async move {
            let username = parse_username(&username)?;
            if staff
                .change_account(&username, change, "server user")
                .await
                .map_err(|e| e.to_string())?
            {
                let done = match change {
                    AccountChange::Disable => "disabled".to_string(),
                    AccountChange::Enable => "enabled".to_string(),
                    AccountChange::Role(r) => format!("now {}", r.label()),
                    AccountChange::EndSessions => "signed out everywhere".to_string(),
                    AccountChange::ResetTwoStep => {
                        "two-step sign-in reset: set up again at the next sign-in".to_string()
                    }
                    AccountChange::BreakGlass(true) => {
                        "may sign in with its password even with local accounts off".to_string()
                    }
                    AccountChange::BreakGlass(false) => "no longer break-glass".to_string(),
                };
                Ok(format!(
                    "{username}: {done}; every session it had open has ended"
                ))
            } else {
                Err(format!("there is no account called {username}"))
            }
        }
    };
    match command {
        UserCommand::Disable { username } => change(username, AccountChange::Disable).await,
        UserCommand::Enable { username } => change(username, AccountChange::Enable).await,
        UserCommand::SignOut { username } => change(username, AccountChange::EndSessions).await,
        UserCommand::ResetTwoStep { username } => {
            change(username, AccountChange::ResetTwoStep).await
        }
        UserCommand::BreakGlass { username, off } => {
            change(username, AccountChange::BreakGlass(!off)).await
        }
        UserCommand::Role { username, role } => {
            change(username, AccountChange::Role((*role).into())).await
        }
        UserCommand::Team { username, team } => {
            let team = (team != "none").then_some(team.as_str());
            if let Some(t) = team {
                if !teams.iter().any(|known| known == t) {
                    return Err(format!(
                        "unknown team '{t}': use one of {}",
                        teams.join(", ")
                    ));
                }
            }
            if staff
                .set_team(username, team, "server user team")
                .await
                .map_err(|e| e.to_string())?
            {
                Ok(format!("{username} works in {}", team.unwrap_or("no team")))
            } else {
                Err(format!("there is no account called {username}"))
            }
        }
        UserCommand::Add {
            username,
            role,
            name,
        } => {
            let username = parse_username(username)?;
            let role: Role = (*role).into();
            let display_name = name.join(" ");
            if display_name.trim().is_empty() {
                return Err("give the account's name, as staff should see it".into());
            }
            let password = read_password()?;
            check_new_password(&password)?;
            let account = crate::store::staff::StaffAccount {
                username: username.clone(),
                display_name: display_name.trim().to_string(),
                role,
                password_hash: hash_password(&password)?,
                failed_attempts: 0,
                locked_until: None,
                disabled: false,
                team: None,
                session_epoch: 0,
                sign_in_method: crate::store::staff::SignInMethod::Password,
                break_glass: false,
                last_sign_in_at: None,
                totp_secret: None,
            };
            if staff.add_user(&account).await.map_err(|e| e.to_string())? {
                Ok(format!("added {username} ({})", role.label()))
            } else {
                Err(format!("there is already an account called {username}"))
            }
        }
        UserCommand::Password { username } => {
            let username = parse_username(username)?;
            let password = read_password()?;
            check_new_password(&password)?;
            if staff
                .set_password(&username, &hash_password(&password)?)
                .await
                .map_err(|e| e.to_string())?
            {
                Ok(format!(
                    "new password set for {username}; any lock is cleared and every session it had open has ended"
                ))
            } else {
                Err(format!("there is no account called {username}"))
            }
        }
    }
}

fn read_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
