//! gRPC services that cosmos-sdk-proto does not generate a server for (wasmd's query
//! service; `cosmos.consensus.v1`, which it does not compile), written as its generator
//! writes the others: route by path, decode with prost, answer, encode.

use std::convert::Infallible;
use std::marker::PhantomData;

use prost::Message;
use tonic::body::Body;
use tonic::codec::ProstCodec;
use tonic::codegen::{http, BoxFuture, Context, Poll, Service};
use tonic::server::{Grpc, NamedService};
use tonic::Status;

use super::Api;

type Reply = BoxFuture<http::Response<Body>, Infallible>;

/// One service: its full name and how a call on each of its paths is answered.
pub(super) trait Routes: Send + Sync + 'static {
    const NAME: &'static str;
    fn route(api: &Api, request: http::Request<Body>) -> Reply;
}

/// The tower service tonic's server runs for `R`.
pub(super) struct Handwritten<R>(pub Api, PhantomData<R>);

impl<R> Handwritten<R> {
    pub fn new(api: Api) -> Self {
        Self(api, PhantomData)
    }
}

impl<R> Clone for Handwritten<R> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<R: Routes> NamedService for Handwritten<R> {
    const NAME: &'static str = R::NAME;
}

impl<R: Routes> Service<http::Request<Body>> for Handwritten<R> {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Reply;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        R::route(&self.0, request)
    }
}

/// A unary call: tonic decodes `Req` from the gRPC frame, `answer` answers it.
pub(super) fn unary<Req, Resp>(
    request: http::Request<Body>,
    answer: impl Fn(Req) -> Result<Resp, Status> + Send + 'static,
) -> Reply
where
    Req: Message + Default + Send + 'static,
    Resp: Message + Default + Send + 'static,
{
    let method = tower::service_fn(move |request: tonic::Request<Req>| {
        std::future::ready(answer(request.into_inner()).map(tonic::Response::new))
    });
    Box::pin(async move {
        let mut grpc = Grpc::new(ProstCodec::<Resp, Req>::default());
        Ok(grpc.unary(method, request).await)
    })
}

/// A path of the service that the devnet does not serve.
pub(super) fn unimplemented(path: &str) -> Reply {
    let status = super::status::unimplemented(path);
    Box::pin(async move { Ok(status.into_http()) })
}
