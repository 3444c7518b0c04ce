//! The gRPC server: the SDK's query and tx services on one listener, as a chain's `:9090`.

use std::future::Future;

use cosmrs::proto::cosmos::auth::v1beta1::query_server::QueryServer as AuthServer;
use cosmrs::proto::cosmos::bank::v1beta1::query_server::QueryServer as BankServer;
use cosmrs::proto::cosmos::base::tendermint::v1beta1::service_server::ServiceServer as NodeServer;
use cosmrs::proto::cosmos::tx::v1beta1::service_server::ServiceServer as TxServer;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;

use super::consensus::ConsensusQuery;
use super::handwritten::Handwritten;
use super::wasm::WasmQuery;
use super::Api;

/// Serves gRPC on `listener` until `shutdown` completes, then finishes the calls in progress.
pub async fn serve(
    listener: TcpListener,
    api: Api,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    Server::builder()
        .add_service(AuthServer::new(api.clone()))
        .add_service(BankServer::new(api.clone()))
        .add_service(Handwritten::<ConsensusQuery>::new(api.clone()))
        .add_service(NodeServer::new(api.clone()))
        .add_service(TxServer::new(api.clone()))
        .add_service(Handwritten::<WasmQuery>::new(api))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
}
