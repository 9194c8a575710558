namespace MiniMesos.Core.Images;

/// <summary>Where an image comes from, named as skopeo names its transports (a registry needs no prefix).</summary>
internal enum ImageTransport
{
    /// <summary>A registry speaking the OCI distribution API: "nginx", "host:5000/app:tag", "ghcr.io/o/i@sha256:...".</summary>
    Registry,
    /// <summary>"oci:DIR[:tag]": an OCI image layout directory on the agent.</summary>
    OciLayout,
    /// <summary>"oci-archive:FILE[:tag]": an OCI image layout in a tar file on the agent.</summary>
    OciArchive,
    /// <summary>"docker-archive:FILE": a tarball written by docker save (or skopeo copy ... docker-archive:).</summary>
    DockerArchive,
}
