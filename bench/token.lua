-- wrk script: client_credentials token requests (bench/soak.sh sets SOAK_FORM).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = os.getenv("SOAK_FORM")
