vcl 4.1;

# Varnish between nginx and the app (docker-compose's varnish service): it keeps the public pages
# the app marks for shared caches and drops exactly those showing changed content when the app
# purges their tags (publishing/edge.py). Nothing else is kept: staff, previews, forms and media
# pass through as if it were not there.

import xkey;

# The app. Several web nodes: declare one backend each and pick with a director
# (import directors; new nodes = directors.round_robin(); nodes.add_backend(…) in vcl_init).
backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .probe = {
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
    }
}

# Who may purge: the app's own networks (loopback, and the private ranges compose uses).
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            # Gone at once, not kept for grace: a withdrawn piece must not be served again.
            set req.http.purged = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            # Out of date, kept for grace: the old page (which lacks only the new content) is
            # served while one request fetches its next copy, so a purged list does not send
            # every reader to the app at once.
            set req.http.purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "xkey-purge or xkey-softpurge header missing"));
        }
        return (synth(200, "Purged " + req.http.purged));
    }
    # nginx has already added the reader's address; varnishd appended nginx's to it.
    set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",\s*[^,]*$", "");
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Anyone logged in, with a message waiting, or asking with credentials gets the app itself,
    # and what they get is never stored.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Links shared in WeChat and from campaigns carry parameters no page reads: one copy for all.
    if (req.url ~ "[?&](utm_[a-z]+|from|isappinstalled|fbclid)=") {
        set req.url = regsuball(req.url, "[?&](utm_[a-z]+|from|isappinstalled|fbclid)=[^&]*", "");
        set req.url = regsub(req.url, "^([^?]*)&", "\1?");
    }
    # Readers' other cookies (the CSRF token) change nothing on a public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the app marked as the same for every reader, naming the content it shows; the
    # lifetime is its s-maxage (until the next scheduled publication or midnight at most).
    if (!beresp.http.xkey || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # After the lifetime, the previous copy is served while one request fetches the next.
    set beresp.grace = 1h;
}

sub vcl_deliver {
    # The tags are for caches; a CDN in front reads Surrogate-Key or Cache-Tag, not this one.
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "hit";
    } else {
        set resp.http.X-Edge-Cache = "miss";
    }
}
