"""The host: ``<host_info>`` with its coprocessors, WSL distros and OpenCL devices.

Written by the client's ``HOST_INFO::write`` (``lib/hostinfo.cpp``),
``COPROCS::write_xml`` (``lib/coproc.cpp``), ``OPENCL_DEVICE_PROP::write_xml``
(``lib/opencl_boinc.cpp``) and ``WSL_DISTROS::write_xml`` (``lib/wslinfo.cpp``);
the fields are the union of what 7.20.5 and the newest release send.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field
from ..enums import DockerType

__all__ = [
    "Coproc",
    "CoprocAppleGpu",
    "CoprocAti",
    "CoprocIntelGpu",
    "CoprocNvidia",
    "Coprocs",
    "HostInfo",
    "OpenclCpuProp",
    "OpenclDeviceProp",
    "PciInfo",
    "Wsl",
    "WslDistro",
    "WslGpu",
]


@attrs.frozen(kw_only=True, slots=False)
class OpenclDeviceProp:
    """An OpenCL device's properties: ``<coproc_opencl>`` or ``<opencl_cpu_info>`` (C++ ``OPENCL_DEVICE_PROP``)."""

    #: Model name, e.g. ``Intel(R) UHD Graphics 630``.
    name: str = ""
    #: Vendor, e.g. ``Intel(R) Corporation``.
    vendor: str = ""
    #: The vendor's ID of this device on this host.
    vendor_id: int = 0
    #: Whether the device is available.
    available: bool = False
    #: Half precision capabilities (``cl_device_fp_config`` bits).
    half_fp_config: int = 0
    #: Single precision capabilities (bits).
    single_fp_config: int = 0
    #: Double precision capabilities (bits).
    double_fp_config: int = 0
    #: Whether the device is little-endian.
    endian_little: bool = False
    #: ``cl_device_exec_capabilities`` bits.
    execution_capabilities: int = 0
    #: The device's extensions, space-separated.
    extensions: str = ""
    #: Global memory, bytes (OpenCL may cap it at 4 GB).
    global_mem_size: int = 0
    #: Local memory, bytes.
    local_mem_size: int = 0
    #: Maximum clock frequency, MHz.
    max_clock_frequency: int = 0
    #: Number of compute units.
    max_compute_units: int = 0
    #: NVIDIA compute capability, major.
    nv_compute_capability_major: int = 0
    #: NVIDIA compute capability, minor.
    nv_compute_capability_minor: int = 0
    #: AMD — SIMDs per compute unit.
    amd_simd_per_compute_unit: int = 0
    #: AMD — SIMD width.
    amd_simd_width: int = 0
    #: AMD — SIMD instruction width.
    amd_simd_instruction_width: int = 0
    #: OpenCL version of the device's platform.
    opencl_platform_version: str = ""
    #: OpenCL version of the device, e.g. ``OpenCL 1.2``.
    opencl_device_version: str = ""
    #: Driver version, e.g. ``CLH 1.0``.
    opencl_driver_version: str = ""
    # The client writes the next five only into its GPU detection file, not
    # into GUI RPC replies; the C++ parser reads them, so this struct does too.
    #: Index of the device among those of its vendor (C++ ``device_num``).
    device_num: int = 0
    #: Peak speed, FLOPS.
    peak_flops: float = 0.0
    #: Memory OpenCL reports as available, bytes.
    opencl_available_ram: float = 0.0
    #: Index of the device among the OpenCL devices of its platform.
    opencl_device_index: int = 0
    #: Whether the CUDA driver was found too old (C++ ``warn_bad_cuda``).
    warn_bad_cuda: bool = False


@attrs.frozen(kw_only=True, slots=False)
class OpenclCpuProp:
    """A CPU as one OpenCL platform sees it: ``<opencl_cpu_prop>`` (C++ ``OPENCL_CPU_PROP``)."""

    #: The OpenCL platform's vendor.
    platform_vendor: str = ""
    #: The CPU's OpenCL properties.
    opencl_cpu_info: OpenclDeviceProp | None = None


@attrs.frozen(kw_only=True, slots=False)
class PciInfo:
    """Where a GPU sits on the PCI bus: ``<pci_info>`` (C++ ``PCI_INFO``)."""

    #: Bus number.
    bus_id: int = 0
    #: Device number.
    device_id: int = 0
    #: Domain number.
    domain_id: int = 0


@attrs.frozen(kw_only=True, slots=False)
class CoprocNvidia:
    """The NVIDIA GPUs: ``<coproc_cuda>`` (C++ ``COPROC_NVIDIA``).

    One element stands for ``count`` identical GPUs; the CUDA properties are the
    first one's (camel-case fields are CUDA's ``cudaDeviceProp`` names).
    """

    #: Number of GPUs of this model.
    count: int = 0
    #: Model name (CUDA's, or OpenCL's when there is no CUDA).
    name: str = ""
    #: Free memory, bytes.
    available_ram: float = 0.0
    #: Whether CUDA is usable.
    have_cuda: bool = False
    #: Whether OpenCL is usable.
    have_opencl: bool = False
    #: Estimated peak speed, FLOPS.
    peak_flops: float = 0.0
    #: CUDA version, e.g. 12020 for 12.2.
    cudaVersion: int = 0
    #: Display driver version, e.g. 53504 for 535.04 (Linux/Windows).
    drvVersion: int = 0
    #: Global memory, bytes.
    totalGlobalMem: float = 0.0
    #: Shared memory per block, bytes.
    sharedMemPerBlock: float = 0.0
    #: Registers per block.
    regsPerBlock: int = 0
    #: Warp size, threads.
    warpSize: int = 0
    #: Maximum memory pitch, bytes.
    memPitch: float = 0.0
    #: Maximum threads per block.
    maxThreadsPerBlock: int = 0
    #: Maximum block dimensions, three integers separated by spaces (``"1024 1024 64"``).
    maxThreadsDim: str = ""
    #: Maximum grid dimensions, three integers separated by spaces.
    maxGridSize: str = ""
    #: Clock rate, kHz.
    clockRate: int = 0
    #: Constant memory, bytes.
    totalConstMem: float = 0.0
    #: Compute capability, major.
    major: int = 0
    #: Compute capability, minor.
    minor: int = 0
    #: Texture alignment, bytes.
    textureAlignment: float = 0.0
    #: Whether copies overlap kernel execution (0/1).
    deviceOverlap: int = 0
    #: Number of multiprocessors.
    multiProcessorCount: int = 0
    #: OpenCL properties, if OpenCL is usable.
    coproc_opencl: OpenclDeviceProp | None = None
    #: PCI location of each of the ``count`` GPUs.
    pci_infos: tuple[PciInfo, ...] = xml_field(tag="pci_info", default=())


@attrs.frozen(kw_only=True, slots=False)
class CoprocAti:
    """The AMD/ATI GPUs: ``<coproc_ati>`` (C++ ``COPROC_ATI``; camel-case fields are CAL's names)."""

    #: Number of GPUs of this model.
    count: int = 0
    #: Model name.
    name: str = ""
    #: Free memory, bytes.
    available_ram: float = 0.0
    #: Whether CAL is usable.
    have_cal: bool = False
    #: Whether OpenCL is usable.
    have_opencl: bool = False
    #: Estimated peak speed, FLOPS.
    peak_flops: float = 0.0
    #: CAL version, e.g. ``1.4.1848``.
    CALVersion: str = ""
    #: CAL target (chip) number.
    target: int = 0
    #: Local memory, MB.
    localRAM: int = 0
    #: Uncached remote memory, MB.
    uncachedRemoteRAM: int = 0
    #: Cached remote memory, MB.
    cachedRemoteRAM: int = 0
    #: Engine clock, MHz.
    engineClock: int = 0
    #: Memory clock, MHz.
    memoryClock: int = 0
    #: Wavefront size.
    wavefrontSize: int = 0
    #: Number of SIMDs.
    numberOfSIMD: int = 0
    #: Whether double precision is supported (0/1).
    doublePrecision: int = 0
    #: Pitch alignment.
    pitch_alignment: int = 0
    #: Surface alignment.
    surface_alignment: int = 0
    #: Largest 1D resource width.
    maxResource1DWidth: int = 0
    #: Largest 2D resource width.
    maxResource2DWidth: int = 0
    #: Largest 2D resource height.
    maxResource2DHeight: int = 0
    #: The ATI runtime was found.
    atirt_detected: bool = xml_field(flag=True, default=False)
    #: The AMD runtime was found.
    amdrt_detected: bool = xml_field(flag=True, default=False)
    #: OpenCL properties, if OpenCL is usable.
    coproc_opencl: OpenclDeviceProp | None = None


@attrs.frozen(kw_only=True, slots=False)
class CoprocIntelGpu:
    """The Intel GPUs: ``<coproc_intel_gpu>`` (C++ ``COPROC_INTEL``)."""

    #: Number of GPUs of this model.
    count: int = 0
    #: Model name (from 8.0 on, OpenCL's name).
    name: str = ""
    #: Free memory, bytes.
    available_ram: float = 0.0
    #: Whether OpenCL is usable.
    have_opencl: bool = False
    #: Estimated peak speed, FLOPS.
    peak_flops: float = 0.0
    #: Version (7.20 only).
    version: str = ""
    #: OpenCL properties, if OpenCL is usable.
    coproc_opencl: OpenclDeviceProp | None = None


@attrs.frozen(kw_only=True, slots=False)
class CoprocAppleGpu:
    """The Apple GPUs: ``<coproc_apple_gpu>`` (C++ ``COPROC_APPLE``, 8.0+)."""

    #: Number of GPUs.
    count: int = 0
    #: Model name.
    model: str = ""
    #: Free memory, bytes.
    available_ram: float = 0.0
    #: Whether Metal is usable.
    have_metal: bool = False
    #: Whether OpenCL is usable.
    have_opencl: bool = False
    #: Number of GPU cores.
    ncores: int = 0
    #: Metal support level.
    metal_support: int = 0
    #: Estimated peak speed, FLOPS.
    peak_flops: float = 0.0
    #: OpenCL properties, if OpenCL is usable.
    coproc_opencl: OpenclDeviceProp | None = None


@attrs.frozen(kw_only=True, slots=False)
class Coproc:
    """Another vendor's OpenCL GPUs: ``<coproc>`` inside ``<coprocs>`` (C++ ``COPROC``)."""

    #: The vendor's type name (not one of the known resource names).
    type: str = ""
    #: Number of devices.
    count: int = 0
    #: Estimated peak speed, FLOPS.
    peak_flops: float = 0.0
    #: OpenCL properties, if OpenCL is usable.
    coproc_opencl: OpenclDeviceProp | None = None


@attrs.frozen(kw_only=True, slots=False)
class Coprocs:
    """The host's GPUs: ``<coprocs>`` (C++ ``COPROCS``); empty on a host without any."""

    #: NVIDIA GPUs (at most one element — one model).
    coproc_cudas: tuple[CoprocNvidia, ...] = xml_field(tag="coproc_cuda", default=())
    #: AMD/ATI GPUs.
    coproc_atis: tuple[CoprocAti, ...] = xml_field(tag="coproc_ati", default=())
    #: Intel GPUs.
    coproc_intel_gpus: tuple[CoprocIntelGpu, ...] = xml_field(tag="coproc_intel_gpu", default=())
    #: Apple GPUs (8.0+).
    coproc_apple_gpus: tuple[CoprocAppleGpu, ...] = xml_field(tag="coproc_apple_gpu", default=())
    #: Other vendors' OpenCL GPUs.
    coprocs: tuple[Coproc, ...] = xml_field(tag="coproc", default=())


@attrs.frozen(kw_only=True, slots=False)
class WslGpu:
    """A GPU usable from a WSL distro's containers: ``<wsl_gpu>`` (C++ ``WSL_GPU``, Windows, 8.2+)."""

    #: Resource name (``NVIDIA``, ``intel_gpu``, ...) or, for OpenCL, model name.
    name: str = ""
    #: CUDA is usable.
    has_cuda: bool = xml_field(flag=True, default=False)
    #: OpenCL is usable.
    has_opencl: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, slots=False)
class WslDistro:
    """A Windows Subsystem for Linux distro: ``<distro>`` (C++ ``WSL_DISTRO``; 7.20: ``WSL``).

    7.20 sends ``distro_name``, ``name``, ``version`` and ``is_default`` (0/1);
    newer releases send ``os_name``/``os_version`` instead of ``name``/``version``
    and more.
    """

    #: The distro's unique name.
    distro_name: str = ""
    #: Operating system name (7.20).
    name: str = ""
    #: Operating system version (7.20).
    version: str = ""
    #: Operating system name (8.0+).
    os_name: str = ""
    #: Operating system version (8.0+).
    os_version: str = ""
    #: WSL version, 1 or 2 (8.0+).
    wsl_version: int = 0
    #: Version of the ``boinc-buda-runner`` distro, if this is it (8.2+).
    distro_version: int = 0
    #: This is the default distro (0/1 in 7.20, a flag since).
    is_default: bool = False
    #: Disallowed by cc_config.xml (8.2+).
    disallowed: bool = xml_field(flag=True, default=False)
    #: libc version, e.g. ``2.36`` (8.2+).
    libc_version: str = ""
    #: Docker or Podman version, empty if none (8.2+).
    docker_version: str = ""
    #: Which engine ``docker_version`` is.
    docker_type: DockerType = DockerType.NONE
    #: Docker Compose version, empty if none (8.2+).
    docker_compose_version: str = ""
    #: Which engine ``docker_compose_version`` is.
    docker_compose_type: DockerType = DockerType.NONE
    #: GPUs usable from the distro's containers (8.2+).
    wsl_gpus: tuple[WslGpu, ...] = xml_field(tag="wsl_gpu", default=())


@attrs.frozen(kw_only=True, slots=False)
class Wsl:
    """The host's WSL distros: ``<wsl>`` (C++ ``WSL_DISTROS``; 7.20: ``WSLS``; Windows only)."""

    #: The distros.
    distros: tuple[WslDistro, ...] = xml_field(tag="distro", default=())


@attrs.frozen(kw_only=True, slots=False)
class HostInfo:
    """The host's hardware and software: ``<host_info>`` (C++ ``HOST_INFO``).

    The reply of ``get_host_info``, and part of ``get_state``. Strings marked
    "escaped" are ``xml_escape``-d by the client and come back unescaped.
    """

    xml_tag: ClassVar[str] = "host_info"

    #: Local standard time minus UTC, seconds.
    timezone: int = 0
    #: Host name (not escaped).
    domain_name: str = ""
    #: IP address.
    ip_addr: str = ""
    #: The host's cross-project ID.
    host_cpid: str = ""
    #: Number of logical CPUs.
    p_ncpus: int = 0
    #: CPU vendor (escaped).
    p_vendor: str = ""
    #: CPU model (escaped).
    p_model: str = ""
    #: CPU features, space-separated (escaped; the C++ lower-cases them).
    p_features: str = ""
    #: Floating-point benchmark, operations per second.
    p_fpops: float = 0.0
    #: Integer benchmark, operations per second.
    p_iops: float = 0.0
    #: Memory bandwidth benchmark, bytes per second.
    p_membw: float = 0.0
    #: When the benchmarks last ran, Unix time (0 — never).
    p_calculated: float = 0.0
    #: Virtualization extensions are disabled.
    p_vm_extensions_disabled: bool = False
    #: RAM, bytes.
    m_nbytes: float = 0.0
    #: CPU cache, bytes.
    m_cache: float = 0.0
    #: Swap space, bytes.
    m_swap: float = 0.0
    #: Size of the disk holding the data directory, bytes.
    d_total: float = 0.0
    #: Free space on it, bytes.
    d_free: float = 0.0
    #: Operating system name (escaped).
    os_name: str = ""
    #: Operating system version (escaped).
    os_version: str = ""
    #: Number of usable GPUs.
    n_usable_coprocs: int = 0
    #: WSL is available (7.20; sent on every platform, always 0 off Windows).
    wsl_available: bool = False
    #: WSL distros (Windows only).
    wsl: Wsl | None = None
    #: Docker or Podman version, empty if none (not Windows, 8.2+).
    docker_version: str = ""
    #: Which engine ``docker_version`` is.
    docker_type: DockerType = DockerType.NONE
    #: Docker Compose version, empty if none (not Windows, 8.2+).
    docker_compose_version: str = ""
    #: Which engine ``docker_compose_version`` is.
    docker_compose_type: DockerType = DockerType.NONE
    #: Manufacturer and model of the computer (escaped).
    product_name: str = ""
    #: MAC address (Android).
    mac_address: str = ""
    #: VirtualBox version, empty if not installed (escaped).
    virtualbox_version: str = ""
    #: The GPUs.
    coprocs: Coprocs | None = None
    #: The CPU as each OpenCL platform sees it.
    opencl_cpu_props: tuple[OpenclCpuProp, ...] = xml_field(tag="opencl_cpu_prop", default=())
