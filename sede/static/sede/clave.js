// Cl@ve: forms marked data-autosubmit (the signed request to Cl@ve, the response sent
// back to the sede) are posted as soon as the page loads. Without JavaScript the
// citizen presses the form's button instead. A file, not an inline script: the CSP
// allows scripts only from the sede's own origin.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.submit();
});
