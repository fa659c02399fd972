"""The platform's signing service: one interface for every app.

- `base`: `SigningIdentity` (a certificate with its key, ready to sign) and the
  registries through which an app supplies the sello de órgano of an entity and the trust
  material (roots, CRLs) validation needs. The foundation imports no app: `certificados`
  registers its providers from its `AppConfig.ready()`.
- `keys`: private keys encrypted at rest.
- `pades`: PAdES signatures on PDFs (pyHanko), with a visible stamp.
- `xades`: XAdES signatures on XML (signxml), enveloped and detached.
- `timestamps`: the RFC 3161 client.
- `validation`: what an uploaded signed PDF or XML says (signer, time, chain, integrity).
"""
