//! One setting a function reads from its environment, described once: its name, its default,
//! whether it must be set and whether it is a secret. Code reads a setting only through its
//! [`Setting`] value, and each function lists the settings it reads in its
//! [`Function`](crate::function::Function) description, so the manifests under `knative/` and
//! `keda/` can be checked against the code: a renamed variable changes the one constant that both
//! the reading code and the description use.

use std::str::FromStr;

use secrecy::SecretString;

use super::env_var;

/// Whether a function can start without a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The function refuses to start without it.
    Required,
    /// It has a default, or its absence switches a feature off.
    Optional,
    /// One of these settings (this one among them) must be set.
    OneOf(&'static [&'static str]),
}

/// A variable of the environment, as a function reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The variable's name, e.g. `DATABASE_URL`.
    pub name: &'static str,
    /// What it means, for error messages and `todo functions`.
    pub about: &'static str,
    /// The value used when it is unset (as the text it would be set to).
    pub default: Option<&'static str>,
    /// Whether it must be set.
    pub need: Need,
    /// A secret (a password, a key, a URL with credentials): never logged, and in the cluster
    /// taken from a Kubernetes Secret, never from a ConfigMap.
    pub secret: bool,
}

impl Setting {
    /// An optional setting without a default.
    #[must_use]
    pub const fn optional(name: &'static str, about: &'static str) -> Self {
        Self {
            name,
            about,
            default: None,
            need: Need::Optional,
            secret: false,
        }
    }

    /// A setting the function cannot start without.
    #[must_use]
    pub const fn required(name: &'static str, about: &'static str) -> Self {
        Self {
            need: Need::Required,
            ..Self::optional(name, about)
        }
    }

    /// The same setting with a default value.
    #[must_use]
    pub const fn default_value(self, default: &'static str) -> Self {
        Self {
            default: Some(default),
            ..self
        }
    }

    /// The same setting, as one of a group of which one must be set.
    #[must_use]
    pub const fn one_of(self, group: &'static [&'static str]) -> Self {
        Self {
            need: Need::OneOf(group),
            ..self
        }
    }

    /// The same setting, marked secret.
    #[must_use]
    pub const fn secret(self) -> Self {
        Self { secret: true, ..self }
    }

    /// The value set in the environment (empty counts as unset), else the default.
    #[must_use]
    pub fn value(&self) -> Option<String> {
        env_var(self.name).or_else(|| self.default.map(str::to_owned))
    }

    /// The value, which must be there.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] when it is unset and has no default.
    pub fn require(&self) -> Result<String, ConfigError> {
        self.value().ok_or(ConfigError::Missing {
            name: self.name,
            about: self.about,
        })
    }

    /// The value parsed as `T`, or `None` when unset without a default.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] when it does not parse; a secret's value is not repeated.
    pub fn parse<T: FromStr>(&self, expected: &'static str) -> Result<Option<T>, ConfigError> {
        let Some(text) = self.value() else {
            return Ok(None);
        };
        text.parse().map(Some).map_err(|_| ConfigError::Invalid {
            name: self.name,
            value: if self.secret { "(secret)".into() } else { text },
            expected,
        })
    }

    /// The value parsed as `T`, which must be there (set, or a default).
    ///
    /// # Errors
    /// [`ConfigError::Missing`] or [`ConfigError::Invalid`].
    pub fn parse_required<T: FromStr>(&self, expected: &'static str) -> Result<T, ConfigError> {
        self.parse(expected)?.ok_or(ConfigError::Missing {
            name: self.name,
            about: self.about,
        })
    }

    /// The value as a secret, which is never printed.
    #[must_use]
    pub fn secret_value(&self) -> Option<SecretString> {
        self.value().map(SecretString::from)
    }
}

/// Why a function's settings cannot work. One type for every function, so `main` reports every
/// bad setting the same way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required setting is unset.
    #[error("{name} is not set: {about}")]
    Missing {
        /// The variable.
        name: &'static str,
        /// What it is for.
        about: &'static str,
    },
    /// A setting's value does not fit.
    #[error("{name} must be {expected}, got '{value}'")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What it was set to (`(secret)` for secrets).
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The settings disagree with each other or with what a backend accepts.
    #[error("{name}: {reason}")]
    Unusable {
        /// The variable.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBER: Setting = Setting::optional("KIT_TEST_NUMBER_UNSET", "a number").default_value("7");
    const SECRET: Setting = Setting::required("KIT_TEST_SECRET_UNSET", "a key").secret();

    #[test]
    fn an_unset_setting_takes_its_default_and_a_required_one_says_what_it_is_for() {
        assert_eq!(NUMBER.parse::<u32>("a number").unwrap(), Some(7));
        let missing = SECRET.require().unwrap_err();
        assert_eq!(missing.to_string(), "KIT_TEST_SECRET_UNSET is not set: a key");
    }

    #[test]
    fn a_bad_value_is_named_but_a_secret_is_never_repeated() {
        let bad = Setting::optional("KIT_TEST_X", "x").default_value("seven");
        let error = bad.parse::<u32>("a whole number").unwrap_err();
        assert_eq!(error.to_string(), "KIT_TEST_X must be a whole number, got 'seven'");
        let secret = bad.secret().parse::<u32>("a whole number").unwrap_err();
        assert_eq!(secret.to_string(), "KIT_TEST_X must be a whole number, got '(secret)'");
    }
}
