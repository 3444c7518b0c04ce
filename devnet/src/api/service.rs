//! `grpc_service!`: implements a gRPC service trait that cosmos-sdk-proto generates for
//! `Api`, one line per method saying how it is answered.

/// `grpc_service!(path::to::Trait, "package.Service"; kind method/ProtoMethod(Req) -> Resp; ...)`
/// where `kind` is
/// - `abci`: a query through the ABCI router at `/package.Service/ProtoMethod`;
/// - `local`: the function `method(&Api, Req) -> Result<Resp, Status>` in scope;
/// - `none`: `Unimplemented` (every method of the trait must be written out).
macro_rules! grpc_service {
    ($trait:path, $service:literal; $($kind:ident $method:ident / $proto:ident ($req:ty) -> $resp:ty;)*) => {
        #[tonic::async_trait]
        impl $trait for $crate::api::Api {
            $(
                async fn $method(
                    &self,
                    request: tonic::Request<$req>,
                ) -> Result<tonic::Response<$resp>, tonic::Status> {
                    grpc_service!(
                        @$kind self,
                        concat!("/", $service, "/", stringify!($proto)),
                        $method,
                        request.into_inner()
                    )
                    .map(tonic::Response::new)
                }
            )*
        }
    };
    (@abci $api:ident, $path:expr, $method:ident, $request:expr) => {
        $api.abci($path, $request)
    };
    (@local $api:ident, $path:expr, $method:ident, $request:expr) => {
        $method($api, $request)
    };
    (@none $api:ident, $path:expr, $method:ident, $request:expr) => {{
        let _ = $request;
        Err($crate::api::status::unimplemented($path))
    }};
}

pub(crate) use grpc_service;
