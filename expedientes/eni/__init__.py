"""ENI (Esquema Nacional de Interoperabilidad) export of expedientes, for InSide and the
courts: each document as an ENI documento, the expediente as an ENI expediente with its
índice signed TF03, validation against the official XSDs and the NTI's rules, and the
transports that carry a remission.

- `metadatos`: identifiers, dates, Estado, InSide's additional metadata.
- `documento`: one Documento → `enidoc:documento` (contenido, metadatos, firmas).
- `expediente`: the índice and metadatosExp, signed; `exportar` and `escribir` (a package).
- `validacion`: `validate_documento`, `validate_expediente`, `validate_paquete`.
- `transporte`: where a remission's package goes (EXPEDIENTES_ENI_TRANSPORTS).
- `esquemas`: namespaces and the XSDs copied in `xsd/`.
"""
