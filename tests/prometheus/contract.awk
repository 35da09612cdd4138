# Checks a tcptune Prometheus textfile (text exposition 0.0.4) against the
# contract in issue 7 that `tcptune --format prometheus audit` follows:
#   - only tcptune_* families, each with one # HELP and one # TYPE gauge line
#     before its first sample, all its samples together (promtool does not
#     catch a family that comes back later: checked here);
#   - the label names of each family, escaped label values (\\ \" \n only),
#     no duplicate series, no client-side timestamps (node_exporter's
#     textfile collector rejects them);
#   - per netns: all 7 scenarios with min <= typical <= max (+Inf allowed
#     for a scenario that never fires), the 3 severities, integer values;
#   - outages: a survivable outage and a resume wait per scenario that
#     sends (not fin-wait-2), the survivable outage within the earliest
#     detection;
#   - failing sockets: counts, per timer (not time-wait), and of sockets
#     whose local address is gone;
#   - one timestamp, equal to -v epoch=N when given.
# Prints one "# problem" line per violation and exits 1 if there was any.
# -v tsv=FILE also writes each sample as "name<TAB>labels<TAB>value", the
# labels sorted by name and still escaped: a form two readers (the file
# and node_exporter's /metrics) can be compared in.
# -v require="f1 f2": families that must have samples (besides detect,
# findings and the timestamp, which always must).
# Written for POSIX awk (Debian's mawk).

function problem(msg) {
        printf "# %s:%d: %s\n", FILENAME, FNR, msg
        bad = 1
}

# Parses the {...} part in s (starting after the "{"); sets LBL[] to the
# label values (escaped), LNAMES to the sorted names joined by ",",
# LCANON to the sorted name="value" list and REST to what follows "}".
# Returns 0 on a syntax error.
function parse_labels(s,    n, name, val, c, i, names, k, j, t) {
        split("", LBL)
        n = 0
        for (;;) {
                if (substr(s, 1, 1) == "}") { s = substr(s, 2); break }
                if (!match(s, /^[a-zA-Z_][a-zA-Z0-9_]*="/)) return 0
                name = substr(s, 1, RLENGTH - 2)
                s = substr(s, RLENGTH + 1)
                val = ""
                for (i = 1; ; i++) {
                        c = substr(s, i, 1)
                        if (c == "") return 0
                        if (c == "\"") break
                        if (c == "\\") {
                                c = substr(s, i + 1, 1)
                                if (c != "\\" && c != "\"" && c != "n") return 0
                                val = val "\\" c
                                i++
                                continue
                        }
                        val = val c
                }
                s = substr(s, i + 1)
                if (name in LBL) return 0
                LBL[name] = val
                names[++n] = name
                if (substr(s, 1, 1) == ",") s = substr(s, 2)
                else if (substr(s, 1, 1) != "}") return 0
        }
        for (k = 2; k <= n; k++)        # insertion sort: n is 3 at most
                for (j = k; j > 1 && names[j - 1] > names[j]; j--) {
                        t = names[j]; names[j] = names[j - 1]; names[j - 1] = t
                }
        LNAMES = ""; LCANON = ""
        for (k = 1; k <= n; k++) {
                LNAMES = LNAMES (k > 1 ? "," : "") names[k]
                LCANON = LCANON (k > 1 ? "," : "") names[k] "=\"" LBL[names[k]] "\""
        }
        REST = s
        return 1
}

# A sample value as a number; +Inf as a huge one. Sets ISINT when it is
# a whole number, however written (node_exporter writes 1.764651234e+09).
function number(v) {
        if (v == "+Inf") { ISINT = 0; return 1e300 }
        ISINT = (v + 0 == int(v + 0))
        return v + 0
}

BEGIN {
        want["tcptune_detect_seconds"] = "bound,netns,scenario"
        want["tcptune_sysctl_value"] = "key,netns"
        want["tcptune_drift"] = "key,netns"
        want["tcptune_findings"] = "netns,severity"
        want["tcptune_audit_timestamp_seconds"] = ""
        want["tcptune_survivable_outage_seconds"] = "netns,scenario"
        want["tcptune_outage_resume_within_seconds"] = "netns,scenario"
        want["tcptune_failing_sockets"] = "netns,timer"
        want["tcptune_sockets_local_address_gone"] = "netns"
        nsc = split("established idle connect accept orphan fin-wait-2 zero-window", scen, " ")
        nsev = split("info warning critical", sev, " ")
        split("min typical max", bnd, " ")
        nreq = split("tcptune_detect_seconds tcptune_findings tcptune_audit_timestamp_seconds " require, req, " ")
        current = ""
        bad = 0
}

/^[ \t]*$/ { next }

/^# (HELP|TYPE) / {
        kind = $2; name = $3
        if (!(name in want)) { problem("unexpected family " name); next }
        if (name in done) problem("family " name " appears again after other families")
        if (name != current && current != "") done[current] = 1
        current = name
        if (name in nsamples) problem("# " kind " " name " after its samples")
        if ((kind, name) in seen) problem("second # " kind " line for " name)
        seen[kind, name] = 1
        if (kind == "HELP" && NF < 4) problem("# HELP " name " has no text")
        if (kind == "TYPE" && $4 != "gauge") problem(name " has type '" $4 "', expected gauge")
        next
}

/^#/ { next }

{
        if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { problem("not a sample: " $0); next }
        name = substr($0, 1, RLENGTH)
        rest = substr($0, RLENGTH + 1)
        if (!(name in want)) { problem("unexpected family " name); next }
        if (substr(rest, 1, 1) == "{") {
                if (!parse_labels(substr(rest, 2))) { problem("bad label syntax or escape: " $0); next }
                rest = REST
        } else {
                split("", LBL); LNAMES = ""; LCANON = ""
        }
        if (rest !~ /^ [^ ]+$/) { problem("expected one space and a value (no timestamp): " $0); next }
        value = substr(rest, 2)
        if (value !~ /^(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|\+Inf)$/) problem("bad value '" value "': " $0)
        if (name in done) problem("family " name " appears again after other families")
        if (name != current && current != "") done[current] = 1
        current = name
        if (!(("HELP", name) in seen)) problem(name " sample before its # HELP line")
        if (!(("TYPE", name) in seen)) problem(name " sample before its # TYPE line")
        if (LNAMES != want[name]) problem(name " has labels {" LNAMES "}, expected {" want[name] "}")
        if ((name, LCANON) in series) problem("duplicate series " name "{" LCANON "}")
        series[name, LCANON] = 1
        nsamples[name]++
        v = number(value)
        if (tsv != "") printf "%s\t%s\t%s\n", name, LCANON, value > tsv

        ns = LBL["netns"]
        if (name == "tcptune_detect_seconds") {
                netns[ns] = 1
                ndetect[ns]++
                if (v < 0) problem("negative detection time: " $0)
                detect[ns, LBL["scenario"], LBL["bound"]] = v
                raw[ns, LBL["scenario"], LBL["bound"]] = value
                if (LBL["bound"] != "min" && LBL["bound"] != "typical" && LBL["bound"] != "max")
                        problem("unknown bound '" LBL["bound"] "'")
                known = 0
                for (i = 1; i <= nsc; i++) if (scen[i] == LBL["scenario"]) known = 1
                if (!known) problem("unknown scenario '" LBL["scenario"] "'")
        } else if (name == "tcptune_findings") {
                netns[ns] = 1
                if (!ISINT || v < 0) problem("finding count is not a count: " $0)
                findings[ns, LBL["severity"]] = v
                known = 0
                for (i = 1; i <= nsev; i++) if (sev[i] == LBL["severity"]) known = 1
                if (!known) problem("unknown severity '" LBL["severity"] "'")
        } else if (name == "tcptune_drift") {
                if (value != "0" && value != "1") problem("drift is not 0 or 1: " $0)
        } else if (name == "tcptune_sysctl_value") {
                if (!ISINT) problem("sysctl value is not an integer: " $0)
                if (LBL["key"] !~ /^net\.ipv4\.tcp_[a-z0-9_]+$/) problem("key '" LBL["key"] "' is not a canonical net.ipv4.tcp_* key")
        } else if (name == "tcptune_survivable_outage_seconds" || name == "tcptune_outage_resume_within_seconds") {
                if (v < 0) problem("negative outage time: " $0)
                if (LBL["scenario"] == "fin-wait-2") problem("fin-wait-2 sends nothing an outage could hold up: " $0)
                if (name == "tcptune_survivable_outage_seconds") outage[ns, LBL["scenario"]] = v
        } else if (name == "tcptune_failing_sockets") {
                if (!ISINT || v < 0) problem("failing sockets is not a count: " $0)
                if (LBL["timer"] !~ /^(none|retransmit|probe|keepalive|syn|synack|fin-wait-2)$/)
                        problem("unknown timer '" LBL["timer"] "'")
        } else if (name == "tcptune_sockets_local_address_gone") {
                if (!ISINT || v < 0) problem("local-address-gone is not a count: " $0)
        } else if (name == "tcptune_audit_timestamp_seconds") {
                if (!ISINT || v < 1000000000) problem("timestamp is not Unix seconds: " $0)
                if (epoch != "" && v != epoch + 0) problem("timestamp " value ", expected SOURCE_DATE_EPOCH " epoch)
        }
}

END {
        FNR = NR
        for (i = 1; i <= nreq; i++)
                if (!(req[i] in nsamples)) problem("family " req[i] " has no samples")
        for (f in want)
                if ((f in nsamples) && !((("HELP", f) in seen) && (("TYPE", f) in seen)))
                        problem(f " lacks # HELP or # TYPE")
        if (nsamples["tcptune_audit_timestamp_seconds"] > 1) problem("more than one timestamp")
        for (ns in netns) {
                # A namespace that could not be read (it vanished during
                # the scan, or setns failed) has findings only: its
                # netns-unavailable warning says why.
                if (!(ns in ndetect)) {
                        if (!(((ns, "warning") in findings) && findings[ns, "warning"] >= 1))
                                problem("netns " ns ": no detection samples and no warning finding to say why")
                        continue
                }
                for (i = 1; i <= nsc; i++) {
                        s = scen[i]
                        if (!((ns, s, "min") in detect) || !((ns, s, "typical") in detect) || !((ns, s, "max") in detect)) {
                                problem("netns " ns ": scenario " s " lacks a min, typical or max sample")
                                continue
                        }
                        lo = detect[ns, s, "min"]; mid = detect[ns, s, "typical"]; hi = detect[ns, s, "max"]
                        if (!(lo <= mid && mid <= hi))
                                problem(sprintf("netns %s: %s: min %s <= typical %s <= max %s does not hold", ns, s,
                                        raw[ns, s, "min"], raw[ns, s, "typical"], raw[ns, s, "max"]))
                        # An outage is survived only up to the last transmission before the abort.
                        if (s != "fin-wait-2" && !((ns, s) in outage))
                                problem("netns " ns ": scenario " s " lacks tcptune_survivable_outage_seconds")
                        else if ((ns, s) in outage && raw[ns, s, "min"] != "+Inf" && outage[ns, s] > lo)
                                problem("netns " ns ": " s ": survivable outage past the earliest abort")
                }
                for (i = 1; i <= nsev; i++)
                        if (!((ns, sev[i]) in findings)) problem("netns " ns ": no tcptune_findings for severity " sev[i])
        }
        exit bad
}
