//! Namespace signing keys and the RS256 function tokens they sign and verify.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{SystemTime, UNIX_EPOCH};
use uuid::Uuid;

use crate::model::Scope;
use crate::refusal::Reason;

/// The JOSE header of every token, as the real API writes it.
const HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

/// One entry of `application_claim`: exactly one of the two ids is non-empty.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplicationClaim {
    pub namespace_id: String,
    pub application_id: String,
}

/// The claims of a Scaleway function token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub application_claim: Vec<ApplicationClaim>,
    pub version: u32,
    pub aud: String,
    pub iss: String,
    pub sub: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
}

/// How many verified tokens a namespace key remembers before it starts over.
const VERIFIED_CACHE_LIMIT: usize = 10_000;

/// A namespace's RSA key, ready to sign and verify (decoded once, then cached).
pub struct NamespaceKey {
    /// Parsed once: parsing a private key costs more than signing with it. `ring` signs several
    /// times faster than the `rsa` crate (which only generates keys here, as `ring` cannot).
    signing: RsaKeyPair,
    /// `ring` blinds each signature with random values.
    rng: SystemRandom,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens whose signature already checked out, by their exact text: an RSA verification
    /// costs far more than the rest of a gateway call.
    verified: RwLock<HashMap<String, Claims>>,
    /// The public half as PKCS#1 PEM, the token's `public_key`.
    pub public_pem: String,
}

impl NamespaceKey {
    /// Generates a key of `bits` bits; returns it with its stored form (PKCS#1 DER, base64).
    pub fn generate(bits: usize) -> Result<(String, Self), String> {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
            .map_err(|e| format!("RSA key generation failed: {e}"))?;
        let der = private.to_pkcs1_der().map_err(|e| e.to_string())?;
        let stored = STANDARD.encode(der.as_bytes());
        Ok((stored, Self::from_pkcs1_der(der.as_bytes())?))
    }

    /// Restores a key from its stored form.
    pub fn from_stored(stored: &str) -> Result<Self, String> {
        let der = STANDARD
            .decode(stored)
            .map_err(|e| format!("bad key encoding: {e}"))?;
        Self::from_pkcs1_der(&der)
    }

    fn from_pkcs1_der(der: &[u8]) -> Result<Self, String> {
        // `ring` signs with keys of 2048 to 4096 bits only; a state written with an older
        // `--rsa-bits 1024` holds smaller ones.
        let signing = RsaKeyPair::from_der(der)
            .map_err(|e| format!("bad key ({e}): namespace keys must have 2048 to 4096 bits"))?;
        let public_der = signing.public().as_ref();
        let public_pem = RsaPublicKey::from_pkcs1_der(public_der)
            .and_then(|public| public.to_pkcs1_pem(LineEnding::LF))
            .map_err(|e| e.to_string())?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&["functions"]);
        validation.set_issuer(&["SCALEWAY"]);
        // `exp` is optional: a token without expiry never expires.
        validation.required_spec_claims.clear();
        validation.leeway = 0;
        Ok(NamespaceKey {
            decoding: DecodingKey::from_rsa_der(public_der),
            signing,
            rng: SystemRandom::new(),
            validation,
            verified: RwLock::default(),
            public_pem,
        })
    }

    /// Signs claims into a compact RS256 JWT.
    pub fn sign(&self, claims: &Claims) -> Result<String, String> {
        let claims = serde_json::to_vec(claims).map_err(|e| e.to_string())?;
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let mut signature = vec![0; self.signing.public().modulus_len()];
        (self.signing.sign(
            &RSA_PKCS1_SHA256,
            &self.rng,
            signed.as_bytes(),
            &mut signature,
        ))
        .map_err(|e| format!("signing failed: {e}"))?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The claims of a token really signed by this key with RS256 and unexpired, else why not.
    pub fn verify(&self, token: &str) -> Result<Claims, Reason> {
        let cached = (self.verified.read())
            .map_err(|_| Reason::Malformed)?
            .get(token)
            .cloned();
        if let Some(claims) = cached {
            return if claims.is_current() {
                Ok(claims)
            } else {
                Err(Reason::Expired)
            };
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| refusal(e.kind()))?
            .claims;
        let mut verified = self.verified.write().map_err(|_| Reason::Malformed)?;
        if verified.len() >= VERIFIED_CACHE_LIMIT {
            verified.clear();
        }
        verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }
}

/// Why `jsonwebtoken` refused a token, in the gateway's words.
fn refusal(kind: &ErrorKind) -> Reason {
    match kind {
        ErrorKind::ExpiredSignature => Reason::Expired,
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidAlgorithm
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidAudience
        | ErrorKind::InvalidIssuer => Reason::BadSignature,
        _ => Reason::Malformed,
    }
}

impl Claims {
    /// Whether the claims are still in force, by the rule `jsonwebtoken` applied when they were
    /// first verified (`exp`, in whole seconds, not yet past).
    fn is_current(&self) -> bool {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        self.exp.is_none_or(|exp| exp >= now)
    }

    /// The claims of token `id` for a function or a namespace.
    pub fn new(id: Uuid, scope: Scope, iat: i64, exp: Option<i64>) -> Self {
        Claims {
            application_claim: application_claim(scope),
            version: 2,
            aud: "functions".into(),
            iss: "SCALEWAY".into(),
            sub: "token".into(),
            jti: id.to_string(),
            iat,
            nbf: iat,
            exp,
        }
    }
}

/// The `application_claim` of a token of this scope.
pub fn application_claim(scope: Scope) -> Vec<ApplicationClaim> {
    let (namespace_id, application_id) = match scope {
        Scope::Namespace(id) => (id.to_string(), String::new()),
        Scope::Function(id) => (String::new(), id.to_string()),
    };
    vec![ApplicationClaim {
        namespace_id,
        application_id,
    }]
}
