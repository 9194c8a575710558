using MiniMesos.Core.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("nginx", "docker.io", "library/nginx", "latest", null)]
    [InlineData("nginx:1.27", "docker.io", "library/nginx", "1.27", null)]
    [InlineData("docker.io/nginx", "docker.io", "library/nginx", "latest", null)]
    [InlineData("index.docker.io/library/nginx:alpine", "docker.io", "library/nginx", "alpine", null)]
    [InlineData("pihole/pihole:2024.07.0", "docker.io", "pihole/pihole", "2024.07.0", null)]
    [InlineData("ghcr.io/o/i@sha256:" + Hex, "ghcr.io", "o/i", null, "sha256:" + Hex)]
    [InlineData("ghcr.io/o/i:v1@sha256:" + Hex, "ghcr.io", "o/i", "v1", "sha256:" + Hex)]
    [InlineData("host:5000/app:tag", "host:5000", "app", "tag", null)]
    [InlineData("localhost/app", "localhost", "app", "latest", null)]
    [InlineData("127.0.0.1:5000/a/b-c__d.e", "127.0.0.1:5000", "a/b-c__d.e", "latest", null)]
    [InlineData("registry.example.com/home-assistant/home-assistant:stable", "registry.example.com", "home-assistant/home-assistant", "stable", null)]
    public void RegistryReferencesAreNormalisedAsDockerDoes(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text, out var error);
        Assert.True(reference is not null, error);
        Assert.Equal(ImageTransport.Registry, reference.Transport);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
        Assert.Equal(digest ?? tag, reference.ManifestReference);
    }

    [Fact]
    public void DockerHubIsReachedThroughItsApiHost()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("nginx", out _)!.RegistryHost);
        Assert.Equal("host:5000", ImageReference.Parse("host:5000/app", out _)!.RegistryHost);
        Assert.Equal("docker.io/library/nginx:latest", ImageReference.Parse("nginx", out _)!.ToString());
    }

    [Theory]
    [InlineData("oci:/srv/images/busybox", ImageTransport.OciLayout, "/srv/images/busybox", null)]
    [InlineData("oci:/srv/images/busybox:1.35", ImageTransport.OciLayout, "/srv/images/busybox", "1.35")]
    [InlineData("oci-archive:/srv/b.tar:v2", ImageTransport.OciArchive, "/srv/b.tar", "v2")]
    [InlineData("oci-archive:/srv/b.tar", ImageTransport.OciArchive, "/srv/b.tar", null)]
    [InlineData("docker-archive:/srv/b.tar", ImageTransport.DockerArchive, "/srv/b.tar", null)]
    internal void LocalSourcesUseSkopeoTransportNames(string text, ImageTransport transport, string path, string? tag)
    {
        var reference = ImageReference.Parse(text, out var error);
        Assert.True(reference is not null, error);
        Assert.Equal(transport, reference.Transport);
        Assert.Equal(path, reference.Path);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("ngi nx", "spaces")]
    [InlineData("Nginx", "lowercase")]
    [InlineData("ghcr.io/O/i", "lowercase")]
    [InlineData("nginx:", "tag ''")]
    [InlineData("nginx:-bad", "tag '-bad'")]
    [InlineData("nginx@sha256:abc", "64 lowercase hex")]
    [InlineData("nginx@md5:0123", "only sha256")]
    [InlineData("nginx@", "digest is empty")]
    [InlineData("a//b", "component ''")]
    [InlineData("a/-b", "component '-b'")]
    [InlineData("host:99999/app", "registry 'host:99999'")]
    [InlineData(":tag", "no repository")]
    [InlineData("oci:relative/dir", "absolute")]
    [InlineData("oci:/srv/../etc", ". or ..")]
    [InlineData("oci:/srv/x:bad tag", "spaces")]
    [InlineData("oci:/srv/x:.bad", "tag '.bad'")]
    [InlineData("docker-archive:/srv/b.tar:app:1", "file only")]
    public void BadReferencesSayWhatIsWrong(string text, string expected)
    {
        Assert.Null(ImageReference.Parse(text, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void OverlongNamesAreRefused()
    {
        Assert.Null(ImageReference.Parse("a/" + new string('b', 300), out var error));
        Assert.Contains("longer than 255", error);
    }
}
