/* photo: a photo taken on a phone made small enough to send - a camera's 3 to 8 MB picture is
 * drawn again at most 1600 pixels on its longer side as a JPEG, which also drops the EXIF data
 * (and with it the place it was taken). A photo already small enough goes as it is. */

const LONG_SIDE = 1600;

export async function shrinkPhoto(file, maxBytes) {
  if (file.size <= maxBytes)
    return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  for (const quality of [0.85, 0.7, 0.5]) {
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob && blob.size <= maxBytes)
      return blob;
  }
  return null;
}
