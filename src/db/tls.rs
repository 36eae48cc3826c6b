//! TLS for the server backends, on rustls with the ring provider: no
//! system OpenSSL to link against, nothing to build but Rust and C.
//! The mysql driver builds its own rustls configuration: MySQL uses only
//! the messages here.
#![cfg_attr(not(feature = "postgres"), allow(dead_code, unused_imports))]

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// How much of the server's certificate to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Encrypt, trust any certificate (libpq's `require`, MySQL's `REQUIRED`).
    Nothing,
    /// The certificate is signed by a trusted authority, whatever its name.
    Chain,
    /// The chain, and the certificate names the host the URL names.
    ChainAndName,
}

/// A client configuration that checks what `verify` asks, against the
/// certificates in `root_file` or else the Mozilla roots built in.
pub fn client_config(verify: Verify, root_file: Option<&Path>) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = match verify {
        Verify::Nothing => None,
        Verify::Chain | Verify::ChainAndName => {
            let roots = Arc::new(root_store(root_file)?);
            Some(
                WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .context("cannot use the root certificates")?,
            )
        }
    };
    let verifier = Verifier {
        webpki,
        check_name: verify == Verify::ChainAndName,
        algorithms: provider.signature_verification_algorithms,
    };
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("the TLS provider has no protocol version")?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

fn root_store(root_file: Option<&Path>) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    let Some(path) = root_file else {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(roots);
    };
    let shown = path.display();
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|err| anyhow::anyhow!("cannot read the root certificates in {shown}: {err}"))?;
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        bail!("no usable certificate in {shown} (a PEM file of CA certificates is expected)");
    }
    Ok(roots)
}

/// rustls's own verifier, with the name check or the whole check left out
/// where the mode asks for less; handshake signatures are always checked.
struct Verifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    check_name: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("chain", &self.webpki.is_some())
            .field("name", &self.check_name)
            .finish()
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(webpki) = &self.webpki else {
            return Ok(ServerCertVerified::assertion());
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            // The chain is checked before the name: a name error means a good chain.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// How a backend's URL spells the TLS options, for advice in messages.
pub struct Spelling {
    /// Names the root certificate file: `sslrootcert=FILE`.
    pub root_file: &'static str,
    /// Encrypts without checking the certificate: `sslmode=require`.
    pub unverified: &'static str,
}

/// A failed handshake in a few words, with what to do about it; `None` if
/// `err` holds no rustls error.
pub fn describe(err: &(dyn std::error::Error + 'static), spelling: &Spelling) -> Option<String> {
    let mut source = Some(err);
    while let Some(cause) = source {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(describe_rustls(tls, spelling));
        }
        // An io::Error's source() is its inner error's source, not the inner error.
        if let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(describe_rustls(inner, spelling));
        }
        source = cause.source();
    }
    None
}

fn describe_rustls(err: &rustls::Error, spelling: &Spelling) -> String {
    let certificate = |what: &str| format!("the server's certificate {what}");
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => certificate(&format!(
                "is not signed by a trusted authority (name the authority's certificate with {}, or encrypt without checking it with {})",
                spelling.root_file, spelling.unverified
            )),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                certificate("does not name the host in the URL")
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                certificate("has expired")
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                certificate("is not valid yet")
            }
            CertificateError::Revoked => certificate("is revoked"),
            CertificateError::BadSignature => certificate("has a bad signature"),
            other => certificate(&format!("was refused ({other:?})")),
        },
        rustls::Error::AlertReceived(alert) => {
            format!("the server ended the TLS handshake ({alert:?})")
        }
        other => format!("TLS failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPELLING: Spelling = Spelling {
        root_file: "sslrootcert=FILE",
        unverified: "sslmode=require",
    };

    #[test]
    fn certificate_errors_are_told_in_words() {
        let err = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let text = describe(&std::io::Error::other(err), &SPELLING).expect("a rustls error");
        assert!(text.contains("not signed by a trusted authority"), "{text}");
        assert!(text.contains("sslrootcert=FILE"), "{text}");
        assert_eq!(describe(&std::io::Error::other("plain"), &SPELLING), None);
    }

    #[test]
    fn an_unreadable_root_file_is_named() {
        let err = client_config(Verify::Chain, Some(Path::new("/nonexistent/ca.pem")))
            .expect_err("no such file");
        assert!(
            format!("{err:#}").contains("/nonexistent/ca.pem"),
            "{err:#}"
        );
    }
}
