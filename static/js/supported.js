// Lets GOV.UK Frontend style its JavaScript-enhanced components; kept out of the page for the CSP.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
