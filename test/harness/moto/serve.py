"""Serves every moto service on one loopback port, with the project's fidelity patches applied first.

Usage: python serve.py --port N [--host 127.0.0.1] [--deploy-after-reads 2] [--deploy-after-ms MS]
                       [--edge-replica-linger-ms MS] [--max-origin-access-controls 100]
                       [--max-distributions 500] [--bucket-tagging-stale-reads 1] [--disable-patch NAME ...]

Prints one line starting with "moto ready on http://" once the socket is listening, then serves until
SIGTERM or SIGINT. The harness (test/harness/moto.ts) starts it in its own process group and stops it there.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import sys
from types import FrameType

# The patches package lives in the work tree; keep Python from writing __pycache__ into it.
sys.dont_write_bytecode = True


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address; anything else is refused")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument(
        "--deploy-after-reads",
        type=int,
        default=int(os.environ.get("MOTO_DEPLOY_AFTER_READS", "2")),
        help="GetDistribution reads until a changed distribution reports Deployed (env MOTO_DEPLOY_AFTER_READS)",
    )
    parser.add_argument(
        "--deploy-after-ms",
        type=int,
        default=int(os.environ["MOTO_DEPLOY_AFTER_MS"]) if os.environ.get("MOTO_DEPLOY_AFTER_MS") else None,
        help="instead of reads: milliseconds after a change until Deployed (env MOTO_DEPLOY_AFTER_MS)",
    )
    parser.add_argument(
        "--edge-replica-linger-ms",
        type=int,
        default=int(os.environ.get("MOTO_EDGE_REPLICA_LINGER_MS", "0")),
        help="how long Lambda refuses to delete an edge function after CloudFront stops using it "
        "(env MOTO_EDGE_REPLICA_LINGER_MS; AWS takes hours)",
    )
    parser.add_argument(
        "--max-origin-access-controls",
        type=int,
        default=int(os.environ.get("MOTO_MAX_ORIGIN_ACCESS_CONTROLS", "100")),
        help="CreateOriginAccessControl fails with TooManyOriginAccessControls beyond this many "
        "(env MOTO_MAX_ORIGIN_ACCESS_CONTROLS; AWS default 100)",
    )
    parser.add_argument(
        "--max-distributions",
        type=int,
        default=int(os.environ.get("MOTO_MAX_DISTRIBUTIONS", "500")),
        help="CreateDistribution fails with TooManyDistributions beyond this many (env MOTO_MAX_DISTRIBUTIONS; "
        "AWS default 500)",
    )
    parser.add_argument(
        "--bucket-tagging-stale-reads",
        type=int,
        default=int(os.environ.get("MOTO_BUCKET_TAGGING_STALE_READS", "1")),
        help="GetBucketTagging reads after a tagging write that still return the previous tag set "
        "(env MOTO_BUCKET_TAGGING_STALE_READS; 0 = consistent)",
    )
    parser.add_argument(
        "--disable-patch",
        action="append",
        default=[name for name in os.environ.get("MOTO_DISABLED_PATCHES", "").split(",") if name],
        metavar="NAME",
        help="leave out one patch (repeatable; env MOTO_DISABLED_PATCHES, comma-separated); a realistic-mode "
        "patch starts switched off instead and can be switched on at run time",
    )
    args = parser.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback:
        parser.error(f"--host must be a loopback address, not {args.host}")
    if args.deploy_after_reads < 0 or (args.deploy_after_ms is not None and args.deploy_after_ms < 0):
        parser.error("deployment lengths cannot be negative")
    if args.edge_replica_linger_ms < 0:
        parser.error("--edge-replica-linger-ms cannot be negative")
    if min(args.max_origin_access_controls, args.max_distributions, args.bucket_tagging_stale_reads) < 0:
        parser.error("quotas and stale reads cannot be negative")
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    # Imported after argument parsing so that --help works without the virtualenv's packages.
    import moto
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from patches import PatchOptions, apply_all

    applied = apply_all(
        PatchOptions(
            deploy_after_reads=args.deploy_after_reads,
            deploy_after_ms=args.deploy_after_ms,
            edge_replica_linger_ms=args.edge_replica_linger_ms,
            disabled=frozenset(args.disable_patch),
            max_origin_access_controls=args.max_origin_access_controls,
            max_distributions=args.max_distributions,
            bucket_tagging_stale_reads=args.bucket_tagging_stale_reads,
        )
    )
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    # Some moto services build callback URLs from MOTO_PORT, as moto's own launcher sets it.
    os.environ["MOTO_PORT"] = str(server.port)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deployment = f"{args.deploy_after_ms} ms" if args.deploy_after_ms is not None else f"{args.deploy_after_reads} reads"
    print(
        f"moto ready on http://{args.host}:{server.port} (moto {moto.__version__}; "
        f"distributions deploy after {deployment}; patches: {', '.join(applied)})",
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
