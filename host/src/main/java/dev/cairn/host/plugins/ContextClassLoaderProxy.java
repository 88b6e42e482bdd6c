package dev.cairn.host.plugins;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Objects;

/**
 * Wraps a plugin object so every call runs with the plugin's class loader as the thread context class loader (the
 * AWS SDK, Jackson and JNA look up resources through it), restoring the caller's afterwards. Objects a call returns
 * through an SPI interface (a store from a factory, a file from a pool) are wrapped the same way.
 */
public final class ContextClassLoaderProxy implements InvocationHandler {
    private static final String SPI_PACKAGE = "dev.cairn.spi.";
    /** The SPI interfaces (but Named) of each class, found once: {@link #invoke} runs on every call into a plugin. */
    private static final ClassValue<List<Class<?>>> SPI_INTERFACES = new ClassValue<>() {
        @Override
        protected List<Class<?>> computeValue(Class<?> c) {
            java.util.LinkedHashSet<Class<?>> found = new java.util.LinkedHashSet<>();
            collectSpiInterfaces(c, found);
            found.remove(dev.cairn.spi.Named.class);
            return List.copyOf(found);
        }
    };
    private final Object target;
    private final ClassLoader loader;

    private ContextClassLoaderProxy(Object target, ClassLoader loader) {
        this.target = target;
        this.loader = loader;
    }

    /**
     * @param type the SPI interface to expose
     * @param target the plugin's object
     * @param loader the plugin's class loader
     * @param <T> the interface
     * @return a proxy implementing {@code type} and every other SPI interface {@code target} implements
     */
    public static <T> T wrap(Class<T> type, T target, ClassLoader loader) {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(target, "target is null");
        Objects.requireNonNull(loader, "loader is null");
        if (Proxy.isProxyClass(target.getClass()) && Proxy.getInvocationHandler(target) instanceof ContextClassLoaderProxy) {
            return target;
        }
        java.util.LinkedHashSet<Class<?>> interfaces = new java.util.LinkedHashSet<>();
        interfaces.add(type);
        interfaces.addAll(SPI_INTERFACES.get(target.getClass()));
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                new ContextClassLoaderProxy(target, loader)));
    }

    /**
     * @param proxy an object that may be a proxy made by {@link #wrap}
     * @return the plugin's own object behind it, or {@code proxy} itself
     */
    public static Object unwrap(Object proxy) {
        if (proxy != null && Proxy.isProxyClass(proxy.getClass())
                && Proxy.getInvocationHandler(proxy) instanceof ContextClassLoaderProxy handler) {
            return handler.target;
        }
        return proxy;
    }

    private static void collectSpiInterfaces(Class<?> c, java.util.Set<Class<?>> out) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().startsWith(SPI_PACKAGE) && i.getClassLoader() == dev.cairn.spi.Named.class.getClassLoader()) {
                    out.add(i);
                }
                collectSpiInterfaces(i, out);
            }
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args[0] != null && unwrap(args[0]) == target;
                case "hashCode" -> System.identityHashCode(target);
                default -> target.toString();
            };
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Object result = method.invoke(target, args);
            if (result == null || result instanceof Class<?> || Proxy.isProxyClass(result.getClass())) {
                return result;
            }
            // Generic factories erase their return type to Object: decide by what the result implements.
            Class<?> returned = method.getReturnType();
            List<Class<?>> implemented = SPI_INTERFACES.get(result.getClass());
            Class<?> primary = returned.isInterface() && returned != dev.cairn.spi.Named.class
                    && returned.getName().startsWith(SPI_PACKAGE) ? returned
                    : implemented.isEmpty() ? null : implemented.get(0);
            if (primary != null && returned.isAssignableFrom(primary)) {
                return wrapAs(primary, result);
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T wrapAs(Class<T> type, Object result) {
        return wrap(type, (T) result, loader);
    }
}
