//! OpenCL device discovery: every device of every platform, with the limits the executor
//! checks jobs against and the facts a provider advertises on chain.

use ocl::core::PlatformId;
use ocl::enums::{DeviceInfo as Query, DeviceInfoResult as Answer, PlatformInfo};
use ocl::{Device, Platform};
use ogpu_types::DeviceType;
use serde::Serialize;
use std::sync::{Mutex, OnceLock, PoisonError};
use thiserror::Error;

/// Why devices could not be listed or opened.
#[derive(Error, Debug)]
pub enum DeviceError {
    /// No ICD is installed, or the ICD loader found no platform.
    #[error(
        "no OpenCL platform found ({0}); install an OpenCL driver (e.g. Debian `pocl-opencl-icd`)"
    )]
    NoPlatform(String),
    /// `--device` named a device that does not exist.
    #[error("no OpenCL device number {index} (found {count}; see `ogpu-provider devices`)")]
    NoSuchDevice { index: usize, count: usize },
    /// An OpenCL call failed.
    #[error("OpenCL: {0}")]
    OpenCl(String),
}

impl From<ocl::Error> for DeviceError {
    fn from(err: ocl::Error) -> Self {
        DeviceError::OpenCl(err.to_string())
    }
}

/// One OpenCL device and its properties, as the driver reports them.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    /// Position in [`devices`], the number `--device` takes.
    pub index: usize,
    /// `CL_PLATFORM_NAME`.
    pub platform: String,
    /// `CL_PLATFORM_VERSION`.
    pub platform_version: String,
    /// `CL_DEVICE_NAME`.
    pub name: String,
    /// `CL_DEVICE_VENDOR`.
    pub vendor: String,
    pub device_type: DeviceType,
    /// `CL_DEVICE_MAX_COMPUTE_UNITS`.
    pub compute_units: u32,
    /// `CL_DEVICE_GLOBAL_MEM_SIZE`, bytes.
    pub global_memory_bytes: u64,
    /// `CL_DEVICE_MAX_MEM_ALLOC_SIZE`: the largest single buffer, bytes.
    pub max_alloc_bytes: u64,
    /// `CL_DEVICE_LOCAL_MEM_SIZE`, bytes.
    pub local_memory_bytes: u64,
    /// `CL_DEVICE_MAX_WORK_GROUP_SIZE`: most work-items in one work-group.
    pub max_work_group_size: usize,
    /// `CL_DEVICE_MAX_WORK_ITEM_SIZES`: largest local size per dimension.
    pub max_work_item_sizes: Vec<usize>,
    /// `CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT`: how many `int`s the device likes to process
    /// as one vector (16 on an AVX-512 CPU, 1 on most GPUs).
    pub preferred_int_vector_width: u32,
    /// `CL_DEVICE_VERSION`, e.g. `OpenCL 3.0 PoCL …`.
    pub opencl_version: String,
    /// `CL_DEVICE_OPENCL_C_VERSION`: the language version kernels are compiled as.
    pub opencl_c_version: String,
    /// `CL_DRIVER_VERSION`.
    pub driver_version: String,
    #[serde(skip)]
    pub(crate) platform_handle: Platform,
    #[serde(skip)]
    pub(crate) handle: Device,
}

/// Reads one property, failing with the property's name if the driver answers another kind.
macro_rules! query {
    ($device:expr, $kind:ident) => {
        match $device.info(Query::$kind)? {
            Answer::$kind(value) => value,
            other => {
                return Err(DeviceError::OpenCl(format!(
                    "{} answered {other:?}",
                    stringify!($kind)
                )))
            }
        }
    };
}

/// Every device of every platform, numbered in that order.
pub fn devices() -> Result<Vec<DeviceInfo>, DeviceError> {
    // PoCL initialises its devices on the first query, and concurrent first queries
    // (parallel tests) were seen to list none: discovery runs one at a time.
    static DISCOVERY: Mutex<()> = Mutex::new(());
    let _one_at_a_time = DISCOVERY.lock().unwrap_or_else(PoisonError::into_inner);
    let mut found = Vec::new();
    for platform in platforms()? {
        for device in Device::list_all(platform)? {
            found.push(describe(found.len(), platform, device)?);
        }
    }
    Ok(found)
}

/// The platforms, asked once per process: without any, the ICD loader's answer takes ten
/// seconds (ocl retries for a slow ICD), and platforms do not come and go while it runs.
fn platforms() -> Result<Vec<Platform>, DeviceError> {
    static PLATFORMS: OnceLock<Result<Vec<PlatformId>, String>> = OnceLock::new();
    // `Platform::list` panics without an ICD; the core call reports it.
    let ids = PLATFORMS
        .get_or_init(|| match ocl::core::get_platform_ids() {
            Ok(ids) if ids.is_empty() => Err("the ICD loader lists none".into()),
            Ok(ids) => Ok(ids),
            Err(err) => Err(err.to_string()),
        })
        .clone()
        .map_err(DeviceError::NoPlatform)?;
    Ok(ids.into_iter().map(Platform::new).collect())
}

/// The device `--device index` names.
pub fn device(index: usize) -> Result<DeviceInfo, DeviceError> {
    let mut all = devices()?;
    let count = all.len();
    if index >= count {
        return Err(DeviceError::NoSuchDevice { index, count });
    }
    Ok(all.swap_remove(index))
}

fn describe(index: usize, platform: Platform, device: Device) -> Result<DeviceInfo, DeviceError> {
    let device_type = query!(device, Type);
    Ok(DeviceInfo {
        index,
        platform: platform.info(PlatformInfo::Name)?.to_string(),
        platform_version: platform.info(PlatformInfo::Version)?.to_string(),
        name: query!(device, Name),
        vendor: query!(device, Vendor),
        device_type: if device_type.contains(ocl::flags::DEVICE_TYPE_GPU) {
            DeviceType::Gpu
        } else if device_type.contains(ocl::flags::DEVICE_TYPE_CPU) {
            DeviceType::Cpu
        } else {
            DeviceType::Accelerator
        },
        compute_units: query!(device, MaxComputeUnits),
        global_memory_bytes: query!(device, GlobalMemSize),
        max_alloc_bytes: query!(device, MaxMemAllocSize),
        local_memory_bytes: query!(device, LocalMemSize),
        max_work_group_size: query!(device, MaxWorkGroupSize),
        max_work_item_sizes: query!(device, MaxWorkItemSizes),
        preferred_int_vector_width: query!(device, PreferredVectorWidthInt),
        // The raw text: ocl's parsed `Version` keeps only the number.
        opencl_version: text(device.info_raw(ocl::ffi::CL_DEVICE_VERSION)?),
        opencl_c_version: query!(device, OpenclCVersion),
        driver_version: query!(device, DriverVersion),
        platform_handle: platform,
        handle: device,
    })
}

impl DeviceInfo {
    /// The device as the provider advertises it on chain (`ProviderMetadata::devices`),
    /// with its benchmarked f32 matmul `gflops` and every text field cut to the staking
    /// contract's `max_field_len`.
    pub fn to_metadata(&self, gflops: u64, max_field_len: usize) -> ogpu_types::Device {
        ogpu_types::Device {
            device_type: self.device_type,
            vendor: truncate(&self.vendor, max_field_len),
            name: truncate(&self.name, max_field_len),
            memory_mb: self.global_memory_bytes >> 20,
            opencl_version: truncate(&self.short_version(), max_field_len),
            gflops,
        }
    }

    /// `OpenCL <major.minor>`: the version without the driver's own suffix.
    pub fn short_version(&self) -> String {
        self.opencl_version
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A string property's bytes as text, without the C terminator.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\0')
        .trim()
        .to_string()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_whole_characters() {
        assert_eq!(truncate("pthread", 64), "pthread");
        assert_eq!(truncate("pthread", 3), "pth");
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("", 0), "");
    }
}
