// response_mode=form_post (OAuth 2.0 Form Post Response Mode): submits the
// page's one form, which carries the authorization answer to the client.
document.getElementById('form-post').submit();
