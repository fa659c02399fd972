"""Cl@ve identification at the sede: a SAML 2.0 service provider (eIDAS profile) built
on pysaml2, which shells out to xmlsec1 to sign and verify.

- `config`: the SP configuration, one SP per entity host (its own entityID, ACS and
  audience), from the SEDE_CLAVE_* settings; the SP metadata.
- `sp`: the signed AuthnRequest (HTTP-POST binding) and the validation of the response
  (signature, audience, time, InResponseTo, replay, level), mapped to a `Ciudadano`.
- `views`: start (`/sede/identificarse/clave/`), ACS (`…/clave/acs/`) and metadata
  (`…/clave/metadata/`).

Why one SP per entity rather than one for the Diputación: the citizen identifies at the
sede of the entity that will handle the procedure, and the audience of each assertion is
that sede's entityID, so an assertion issued for one entity is refused at every other
(tenant isolation holds even for a stolen response). All the SPs share the Diputación's
key and certificate, so one certificate is registered with Cl@ve; each entity (its DIR3)
is given the alta, requested by the Diputación on its behalf.
"""
