//! The worker's side: open the device, say so, then run each request on the main thread
//! and answer, until the daemon closes stdin (or kills the process).
//!
//! The protocol owns the process's original stdout; file descriptor 1 is pointed at
//! stderr before anything runs, so that whatever a kernel's `printf` or the OpenCL driver
//! writes to stdout cannot corrupt a frame.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::Duration;

use super::{frame, Reply, Request};
use crate::daemon::{work, HttpSource};
use crate::{ExecError, Executor, ExecutorConfig};

/// The hidden subcommand a worker is started with: `<exe> __kernel-worker DEVICE MAX_KERNEL_SECS`.
pub const ARG: &str = "__kernel-worker";

/// Serves as a kernel worker, then exits, when this process was started as one; returns
/// at once otherwise. Call it first thing in `main` of any program that runs daemons.
pub fn serve_if_requested() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(ARG) {
        return;
    }
    let parsed = match &args[1..] {
        [device, secs] => device.parse().ok().zip(secs.parse().ok()),
        _ => None,
    };
    let code = match parsed {
        Some((device, secs)) => serve(device, secs),
        None => {
            eprintln!("usage: {ARG} DEVICE MAX_KERNEL_SECS (started by the provider daemon)");
            2
        }
    };
    std::process::exit(code);
}

fn serve(device: usize, max_kernel_secs: u64) -> i32 {
    let mut out = match protocol_output() {
        Ok(out) => out,
        Err(err) => {
            eprintln!("kernel worker: cannot take stdout: {err}");
            return 1;
        }
    };
    let config = ExecutorConfig {
        max_kernel_time: Duration::from_secs(max_kernel_secs),
        ..ExecutorConfig::default()
    };
    let opened = crate::device(device)
        .map_err(|e| e.to_string())
        .and_then(|d| Executor::new(d, config).map_err(|e| e.to_string()));
    let executor = match opened {
        Ok(executor) => executor,
        Err(err) => {
            let error = ExecError::Runtime(format!("cannot open OpenCL device {device}: {err}"));
            let _ = frame::write(&mut out, &Reply::Failed { error, stuck: 0 }, b"");
            return 1;
        }
    };
    // Inputs by URI are downloaded on a runtime of the worker's own.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("kernel worker: no runtime: {err}");
            return 1;
        }
    };
    let inputs = HttpSource::new(runtime.handle().clone());
    let ready = Reply::Ready {
        device: executor.device().name.clone(),
    };
    if frame::write(&mut out, &ready, b"").is_err() {
        return 1;
    }
    let mut requests = io::stdin().lock();
    loop {
        let request = match frame::read::<Request>(&mut requests) {
            Ok(Some((request, _))) => request,
            Ok(None) => return 0, // the daemon is done with this worker
            Err(err) => {
                eprintln!("kernel worker: bad request: {err}");
                return 1;
            }
        };
        let (reply, body) = answer(&executor, &inputs, request, &mut out);
        if frame::write(&mut out, &reply, &body).is_err() {
            return 1; // the daemon went away
        }
    }
}

/// Runs one request; the reply and its body.
fn answer(
    executor: &Executor,
    inputs: &HttpSource,
    request: Request,
    out: &mut File,
) -> (Reply, Vec<u8>) {
    let done = match request {
        Request::Run {
            job,
            time_limit,
            max_nonces,
        } => {
            let mut launching = || {
                let _ = frame::write(out, &Reply::Running, b"");
            };
            work::execute(
                executor,
                inputs,
                &job,
                time_limit,
                max_nonces,
                &mut launching,
            )
            .map(|work| {
                let reply = Reply::Done {
                    digest: work.digest,
                    device_time: work.device_time,
                };
                (reply, work.result)
            })
        }
        Request::Check { job } => {
            work::check(executor, inputs, &job).map(|()| (Reply::Checked, Vec::new()))
        }
    };
    done.unwrap_or_else(|error| {
        let stuck = executor.stuck_kernels();
        (Reply::Failed { error, stuck }, Vec::new())
    })
}

/// The process's original stdout, for the protocol; descriptor 1 then points at stderr.
fn protocol_output() -> io::Result<File> {
    let protocol = io::stdout().as_fd().try_clone_to_owned()?;
    io::stdout().flush()?;
    redirect_stdout_to_stderr()?;
    Ok(File::from(protocol))
}

#[allow(unsafe_code)]
fn redirect_stdout_to_stderr() -> io::Result<()> {
    // SAFETY: `dup2` on the process's own standard descriptors, which stay open for its
    // whole life; no Rust object owns descriptor 1 exclusively (`Stdout` writes to it by
    // number), so replacing it invalidates nothing.
    let done = unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) };
    if done < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
