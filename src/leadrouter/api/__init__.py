"""HTTP plumbing that domain routers import: auth and scopes, the error mapping, body limits,
the request context, warm-up and the worker supervisor. It imports no domain router: the
application is assembled in `leadrouter.app`.
"""
