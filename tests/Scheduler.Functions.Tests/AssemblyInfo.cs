using Scheduler.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
