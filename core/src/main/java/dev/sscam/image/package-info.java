/**
 * Images in, exactly as torchvision sees them: {@link dev.sscam.image.ImageReader} (file to 8-bit
 * RGB with PIL's {@code convert('RGB')} rules), {@link dev.sscam.image.PilResize} (Pillow's
 * bilinear resampling, bit-exact) and {@link dev.sscam.image.Preprocessing} (resize, scale to
 * [0, 1], normalise, CHW float tensor).
 */
package dev.sscam.image;
