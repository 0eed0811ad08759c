//! `mulighetsrom serve`: the data-sharing API on the embedded store.

use crate::Outcome;
use anyhow::Context;
use governance::keys::KeyRing;
use governance::Manifests;
use std::path::{Path, PathBuf};

/// Start the data-sharing API (token endpoint, register look-ups, consent, citizen insight).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Issuer URL: the `aud` client assertions must name (default `http://ADDR/`).
    #[arg(long)]
    issuer: Option<String>,
    /// Client registry (default: the built-in governance/clients.toml).
    #[arg(long)]
    clients: Option<PathBuf>,
    /// Runtime worker threads.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Serve only `GET /hello` on the same stack (the benchmark's ceiling).
    #[arg(long)]
    hello: bool,
    /// Print a fresh signed assertion for a demo client (key in DATA/keys/) and exit.
    #[arg(long, value_name = "CLIENT_ID")]
    assertion: Option<String>,
    /// Space-separated scopes for --assertion.
    #[arg(long, default_value = "mulighetsrom:s1")]
    scope: String,
    /// Also serve the caseworker and oversight pages (/saksbehandler, /tilsyn). They have no
    /// login of their own yet, so this is refused unless the address is a loopback address.
    #[arg(long)]
    staff_pages: bool,
}

/// Serves the API and the web app with its staff pages on `addr` (for `mulighetsrom demo`).
pub fn run_on(data: &Path, addr: &str) -> anyhow::Result<Outcome> {
    run(
        data,
        Args {
            addr: addr.to_string(),
            issuer: None,
            clients: None,
            workers: 2,
            hello: false,
            assertion: None,
            scope: "mulighetsrom:s1".to_string(),
            staff_pages: true,
        },
    )
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let issuer = args
        .issuer
        .clone()
        .unwrap_or_else(|| format!("http://{}/", args.addr));
    if let Some(client) = &args.assertion {
        let keys = KeyRing::open(&data.join("keys"))?;
        let a = server::tokens::demo_assertion(
            &keys,
            client,
            &issuer,
            &args.scope,
            chrono::Utc::now(),
        )?;
        println!("{a}");
        return Ok(Outcome::Success);
    }
    let listener = std::net::TcpListener::bind(&args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    if args.staff_pages && !addr.ip().is_loopback() {
        anyhow::bail!(
            "--staff-pages serves caseworker and oversight pages without a login; it is only allowed on a loopback address such as 127.0.0.1, not {addr}"
        );
    }
    if args.hello {
        println!(
            "hello-world on http://{addr}/hello ({} workers)",
            args.workers
        );
        server::serve(listener, server::hello_router(), args.workers)?;
        return Ok(Outcome::Success);
    }
    let config = server::Config {
        data: data.to_owned(),
        issuer: issuer.clone(),
        clients: args.clients.clone(),
    };
    let app = server::App::open(&config, Manifests::builtin())
        .with_context(|| format!("cannot open the API on {}", data.display()))?;
    println!(
        "Mulighetsrom on http://{addr}/ — the web app (spectrum map, algorithm register) and the data-sharing API ({} workers)",
        args.workers
    );
    println!("  issuer (aud of client assertions): {issuer}");
    println!("  OpenAPI 3.1: http://{addr}/openapi.json");
    for c in app.clients().iter().filter(|c| c.demo) {
        println!(
            "  demo client {} ({}), scopes {}; key {}",
            c.client_id,
            c.orgnr,
            c.scopes.join(" "),
            data.join("keys")
                .join(format!(
                    "{}.ed25519",
                    server::clients::demo_key_name(&c.client_id)
                ))
                .display()
        );
    }
    let exe = std::env::args()
        .next()
        .unwrap_or_else(|| "mulighetsrom".into());
    println!("Get a token and look someone up:");
    println!(
        "  A=$({exe} --data {} serve --issuer {issuer} --assertion demo-kommune --scope mulighetsrom:s1)",
        data.display()
    );
    println!("  T=$(curl -s http://{addr}/token -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer -d assertion=$A | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')");
    println!("  curl -s -H \"Authorization: Bearer $T\" 'http://{addr}/registers/folkeregisteret/personer/ID?part=person-basis,bostedsadresse'");
    println!("Citizen (LOCAL TEST LOGIN standing in for ID-porten): POST /citizen/login {{\"pid\":\"ID\"}}, then GET /citizen/innsyn");
    server::serve(
        listener,
        if args.staff_pages {
            server::router_with_staff_pages(std::sync::Arc::new(app))
        } else {
            server::router(std::sync::Arc::new(app))
        },
        args.workers,
    )?;
    Ok(Outcome::Success)
}
